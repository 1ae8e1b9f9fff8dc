import { ApiProperty } from '@nestjs/swagger';

export class BulkRetryResultView {
  @ApiProperty({ example: 42, description: 'How many FAILED transactions went back to PROCESSING and onto the queue' })
  requeued!: number;
}
