import { ApiProperty } from '@nestjs/swagger';
import { TransactionView } from './transaction.view';

/** One page of GET /v1/transactions, newest first. */
export class TransactionPageView {
  @ApiProperty({ type: [TransactionView] })
  items!: TransactionView[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next (older) page; null on the last page',
    example: 'MTIzNA',
  })
  next_cursor!: string | null;
}
