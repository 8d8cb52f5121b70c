// `npm start`: the API on the configured store. On an empty embedded store it
// loads the demo policy set from examples/ and prints what to try next.
import { readFile } from 'node:fs/promises';
import pino from 'pino';
import { loadXdsLimitSettings, startControlPlane } from '@crossway/controlplane';
import { ensureAdminToken, storeIsEmpty } from './bootstrap';
import { loadDemo } from './demo';
import { createMetrics } from './metrics';
import { openStore } from './open-store';
import { build } from './server';
import { identityOf, loadSettings } from './settings';
import { storeTokenRecords } from './token-records';

async function main(): Promise<void> {
  const loaded = loadSettings(process.env);
  if (!loaded.ok) {
    pino({ name: 'crossway' }).fatal({ errors: loaded.errors }, 'invalid settings');
    process.exit(2);
  }
  const { settings } = loaded;
  const xdsLimits = loadXdsLimitSettings(process.env);
  if (!xdsLimits.ok) {
    pino({ name: 'crossway' }).fatal({ errors: xdsLimits.errors }, 'invalid settings');
    process.exit(2);
  }
  const log = pino({ name: 'crossway', level: settings.logLevel });
  const store = openStore(settings);
  const tokens = storeTokenRecords(store);
  log.info(
    {
      store: settings.store,
      ...(settings.store === 'etcd'
        ? { endpoints: settings.etcdEndpoints, prefix: settings.etcdPrefix }
        : {}),
    },
    'store opened',
  );

  // One CA for both: the API signs CSRs (crossway agent), the control plane serves SDS.
  const { identity, generatedKey } = identityOf(settings.ca);
  if (generatedKey)
    log.warn(
      'no CROSSWAY_CA_KEY_FILE or CROSSWAY_CA_KEY: the CA key is sealed with a random key for this process (fine for the memory store only)',
    );

  // The xDS server runs in this process too; /readyz waits for its first snapshots.
  const metrics = createMetrics({ processMetrics: true });
  // CROSSWAY_EMBEDDED_CONTROLPLANE=0: the API alone, beside control planes run on their own.
  const controlPlane = settings.embeddedControlPlane
    ? await startControlPlane({
        store,
        logger: log,
        xdsPort: settings.xdsPort,
        xdsHost: settings.xdsHost,
        insecure: settings.insecureXds,
        xdsLimits: xdsLimits.limits,
        registry: metrics.registry,
        identity,
      })
    : undefined;
  const app = await build({
    store,
    tokens,
    logger: log,
    metrics,
    ...(controlPlane === undefined ? {} : { synced: () => controlPlane.ready() }),
    identity,
    timeouts: settings.apiTimeouts,
    ...(settings.consoleDir === undefined ? {} : { consoleDir: settings.consoleDir }),
    ...(settings.adminToken === undefined ? {} : { adminToken: settings.adminToken }),
  });

  if (settings.loadDemo && (await storeIsEmpty(store))) {
    const text = await readFile(new URL('../../../examples/shop.yaml', import.meta.url), 'utf8');
    log.info(await loadDemo(store, text), 'demo policy set loaded from examples/shop.yaml');
  }
  const generated =
    settings.adminToken === undefined ? await ensureAdminToken(tokens, new Date()) : undefined;

  const address = await app.listen({ port: settings.apiPort, host: settings.apiHost });
  const token = settings.adminToken ?? generated;
  process.stdout.write(
    [
      '',
      `Crossway API listening on ${address} (store: ${settings.store})`,
      controlPlane === undefined
        ? 'no control plane in this process (CROSSWAY_EMBEDDED_CONTROLPLANE=0)'
        : `xDS server (ADS) listening on ${settings.xdsHost}:${controlPlane.port}` +
          (settings.insecureXds
            ? ' WITHOUT data-plane authentication (CROSSWAY_INSECURE_XDS=1)'
            : ''),
      generated
        ? `Admin token (shown once, valid 24h; set CROSSWAY_ADMIN_TOKEN to choose your own):\n  ${generated}`
        : '',
      `Console: ${address}/ui/ (sign in with the token)`,
      'Try:',
      `  curl ${address}/readyz`,
      `  curl -H "Authorization: Bearer ${token ?? '<token>'}" ${address}/api/v1/httproutes`,
      `  curl -H "Authorization: Bearer ${token ?? '<token>'}" "${address}/api/v1/watch"`,
      `  curl -H "Authorization: Bearer ${token ?? '<token>'}" "${address}/api/v1/preview?role=edge&gateway=edge/public"`,
      `  curl -H "Authorization: Bearer ${token ?? '<token>'}" "${address}/api/v1/bootstrap?role=proxyless&service=shop/checkout"`,
      `  curl -H "Authorization: Bearer ${token ?? '<token>'}" ${address}/api/v1/proxies`,
      `  open ${address}/docs for the OpenAPI UI`,
      '',
    ]
      .filter((line) => line !== '')
      .join('\n') + '\n',
  );

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down: draining requests');
    await app.close();
    await controlPlane?.close();
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
