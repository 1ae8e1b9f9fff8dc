import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { TRANSACTION_STATUSES, TransactionStatus } from './transaction.entity';
import { IsTransactionCursor } from './transaction-cursor';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Every parameter the listing takes; any other is a 400 (KnownQueryPipe). */
export const LIST_QUERY_PARAMETERS = ['status', 'account', 'limit', 'cursor'] as const;

/** GET /v1/transactions query string; anything invalid is a 400 naming the parameter. */
export class ListTransactionsQueryDto {
  @ApiPropertyOptional({ enum: TRANSACTION_STATUSES, description: 'Only transactions in this status' })
  @IsOptional()
  @IsIn(TRANSACTION_STATUSES, { message: `must be one of ${TRANSACTION_STATUSES.join(', ')}` })
  status?: TransactionStatus;

  @ApiPropertyOptional({ description: 'Only transactions with this account as source or destination', example: 'merchant_acc_1' })
  @IsOptional()
  @IsString({ message: 'must be given once' })
  @Length(1, 128, { message: 'must be 1-128 characters' })
  account?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Page size' })
  @IsOptional()
  // Only plain digits become a number; "1.5", "1e1" or a repeated parameter stay invalid.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : value))
  @IsInt({ message: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
  @Min(1, { message: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
  @Max(MAX_PAGE_SIZE, { message: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
  limit: number = DEFAULT_PAGE_SIZE;

  @ApiPropertyOptional({ description: 'The next_cursor of the previous page (opaque)', example: 'MTIzNA' })
  @IsOptional()
  @IsTransactionCursor({ message: 'is not a cursor returned by this API' })
  cursor?: string;
}
