import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FieldErrorView } from './field-error.view';
import { ProblemDocument } from './problem';

/** The RFC 9457 body of every error response, for the OpenAPI document. */
export class ProblemDocumentView implements ProblemDocument {
  @ApiProperty({
    example: 'https://paycheck.dev/problems/validation-error',
    description: 'A URI naming the kind of problem, or about:blank',
  })
  type!: string;

  @ApiProperty({ example: 'Invalid request' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'The request body is not a valid transaction.' })
  detail!: string;

  @ApiPropertyOptional({ type: [FieldErrorView], description: 'Present when input was invalid: one entry per field' })
  errors?: FieldErrorView[];
}
