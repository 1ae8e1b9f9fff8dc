import { type PipeTransform } from '@nestjs/common';
import { type FieldError, Problems } from './problem';

/**
 * Refuses a query string with a parameter the route does not take, or a known one given twice or
 * in array form (`status=A&status=B`, `status[]=A`): each is a 400 naming the parameter. Without
 * it a misspelt filter (`?Status=FAILED`) is dropped and the caller gets every row.
 * Used as the first pipe of @Query(); a route that takes no parameter passes an empty list.
 */
export class KnownQueryPipe implements PipeTransform<Record<string, unknown>, Record<string, unknown>> {
  private readonly known: ReadonlySet<string>;

  constructor(known: readonly string[]) {
    this.known = new Set(known);
  }

  transform(query: Record<string, unknown>): Record<string, unknown> {
    const errors: FieldError[] = [];
    for (const [name, value] of Object.entries(query ?? {})) {
      if (!this.known.has(name)) errors.push({ field: name.slice(0, 64), message: 'is not a parameter of this route' });
      else if (typeof value !== 'string') errors.push({ field: name, message: 'must be given once, as a plain value' });
    }
    if (errors.length > 0) throw Problems.validation(errors, 'The query is invalid.');
    return query;
  }
}
