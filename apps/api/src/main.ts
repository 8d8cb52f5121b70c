// `npm start`: the API on the configured store; with the embedded store it loads
// the demo policy set so there is something to look at.
import { readFile } from 'node:fs/promises';
import pino from 'pino';
import { loadSettings } from './settings';
import { openStore } from './open-store';
import { loadDemo } from './demo';
import { build } from './server';

async function main(): Promise<void> {
  const loaded = loadSettings(process.env);
  if (!loaded.ok) {
    pino({ name: 'crossway' }).fatal({ errors: loaded.errors }, 'invalid settings');
    process.exit(2);
  }
  const { settings } = loaded;
  const log = pino({ name: 'crossway', level: settings.logLevel });
  const store = openStore(settings);
  log.info({ store: settings.store, endpoints: settings.store === 'etcd' ? settings.etcdEndpoints : undefined }, 'store opened');

  if (settings.loadDemo) {
    const text = await readFile(new URL('../../../examples/shop.yaml', import.meta.url), 'utf8');
    const summary = await loadDemo(store, text);
    log.info(summary, 'demo policy set loaded');
  }

  const app = await build({ store, logger: log });
  await app.listen({ port: settings.apiPort, host: settings.apiHost });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  pino({ name: 'crossway' }).fatal({ err: error }, 'failed to start');
  process.exit(1);
});
