import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsOptional } from 'class-validator';
import { IsInstant } from './instant';

/** POST /v1/transactions/retry: which FAILED transactions to put back on the queue. */
export class BulkRetryDto {
  @ApiProperty({ enum: ['FAILED'], description: 'Only FAILED transactions can be retried' })
  @Equals('FAILED', { message: 'must be FAILED' })
  status!: 'FAILED';

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-11-26T09:00:00Z',
    description:
      'Only transactions that became FAILED at or after this instant: an RFC 3339 date-time with an offset ' +
      '(2026-11-26T09:00:00Z, 2026-11-26T14:30:00+05:30), or a date alone for midnight UTC (2026-11-26)',
  })
  @IsOptional()
  @IsInstant({ message: 'must be an RFC 3339 date-time with an offset, like 2026-11-26T09:00:00Z, or a date like 2026-11-26' })
  since?: string;
}
