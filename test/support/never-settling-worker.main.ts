import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { createApp } from '../../apps/server/src/bootstrap/create-app';
import { exitCleanlyOnSignals } from '../../apps/server/src/bootstrap/graceful-shutdown';
import { NeverSettlingGateway } from './never-settling-gateway';

/** Boots like main.ts, with a settlement gateway that never answers (see NeverSettlingGateway). */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createApp(config, { processing: { settlementGateway: NeverSettlingGateway } });
  exitCleanlyOnSignals(app);
  await app.listen(config.port);
}

main().catch((error: Error) => {
  process.stderr.write(`boot failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
