import { ApiProperty } from '@nestjs/swagger';

/** One invalid input field, as listed in a problem document's `errors` (OpenAPI schema). */
export class FieldErrorView {
  @ApiProperty({ example: 'amount', description: 'The field (body property or query parameter) that is invalid' })
  field!: string;

  @ApiProperty({ example: 'must have at most 2 decimal places for INR' })
  message!: string;
}
