import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '@app/config';

/** Security headers, CORS, API keys and rate limits (issue: security). Runs before body parsing. */
export function applySecurity(_app: INestApplication, _config: AppConfig): void {
  // filled in by the security work
}
