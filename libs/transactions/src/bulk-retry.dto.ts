import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsISO8601, IsOptional } from 'class-validator';

/** POST /v1/transactions/retry: which FAILED transactions to put back on the queue. */
export class BulkRetryDto {
  @ApiProperty({ enum: ['FAILED'], description: 'Only FAILED transactions can be retried' })
  @Equals('FAILED', { message: 'must be FAILED' })
  status!: 'FAILED';

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-11-26T09:00:00Z',
    description: 'Only transactions that became FAILED at or after this instant',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'must be an ISO-8601 date-time, like 2026-11-26T09:00:00Z' })
  since?: string;
}
