import { type ValidationError, ValidationPipe } from '@nestjs/common';
import { type FieldError, Problems } from './problem';

function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, message: Object.values(error.constraints)[0] }] : [];
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/**
 * class-validator DTOs for query strings and bodies, failing as a 400 problem document whose
 * `errors` list every invalid field (one message each). Unknown properties are dropped.
 */
export function validationProblemPipe(detail: string): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    validationError: { target: false, value: false },
    stopAtFirstError: true,
    exceptionFactory: (errors) => Problems.validation(fieldErrors(errors), detail),
  });
}
