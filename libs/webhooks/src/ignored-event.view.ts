import { ApiProperty } from '@nestjs/swagger';

/** 200 for an event that moves no money here: the provider stops retrying, nothing is stored. */
export class IgnoredEventView {
  @ApiProperty({ enum: ['ignored'] })
  status!: 'ignored';

  @ApiProperty({ example: 'customer.created', description: "The provider's event type" })
  event!: string;
}
