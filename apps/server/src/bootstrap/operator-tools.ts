import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '@app/config';
import { mountConsole } from './console-page';
import { mountQueueDashboard } from './queue-dashboard';

export const DOCS_PATH = 'docs';
export const API_KEY_SECURITY = 'api-key';

/**
 * OpenAPI docs, the queue dashboard and the console, API roles only. All are mounted on Express
 * after applySecurity(), whose path rules put them behind API_KEYS (Bearer, or Basic with the key
 * as password so a browser can open them).
 */
export function mountOperatorTools(app: INestApplication, _config: AppConfig, consoleDir: string): void {
  // Built on first request from the controllers' decorators, not at boot.
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app), { jsonDocumentUrl: `${DOCS_PATH}-json` });
  mountQueueDashboard(app);
  mountConsole(app, consoleDir);
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Paycheck')
    .setDescription(
      'Payment-transaction webhooks: idempotent intake, exactly-once ledger posting. Errors are RFC 9457 ' +
        "`application/problem+json`. Every response carries `X-Request-Id` (the caller's, when it sent one).",
    )
    .setVersion('1')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'One of the keys in API_KEYS (required when API_KEYS is set)' },
      API_KEY_SECURITY,
    )
    .build();
  return SwaggerModule.createDocument(app, config);
}
