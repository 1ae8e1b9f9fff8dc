import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '@app/config';

/** OpenAPI docs and the queue dashboard, API roles only (issue: operations). */
export function mountOperatorTools(_app: INestApplication, _config: AppConfig): void {
  // filled in by the operations work
}
