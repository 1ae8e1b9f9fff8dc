import { ApiProperty } from '@nestjs/swagger';

export class StatsWindowView {
  @ApiProperty({ example: 120, description: 'Transactions first received in the window (redeliveries not counted)' })
  received!: number;

  @ApiProperty({ example: 118, description: 'Transitions to PROCESSED in the window (late successes included)' })
  processed!: number;

  @ApiProperty({ example: 2, description: 'Transitions to FAILED in the window (each failure after a retry counts again)' })
  failed!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { INR: '2500.00' },
    description: 'Sum of the amounts processed in the window, per currency, as exact decimal strings',
  })
  processed_volume!: Record<string, string>;
}

/** GET /v1/stats. */
export class StatsView {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { PROCESSING: 3, PROCESSED: 118, FAILED: 2 } })
  by_status!: Record<string, number>;

  @ApiProperty({ type: StatsWindowView, description: 'The hour up to as_of, exactly (edges to the microsecond)' })
  last_hour!: StatsWindowView;

  @ApiProperty({ type: StatsWindowView, description: 'The 24 hours up to as_of, exactly' })
  last_day!: StatsWindowView;

  @ApiProperty({ format: 'date-time', example: '2026-11-26T09:12:33.120Z' })
  as_of!: string;
}
