// `npm run start:controlplane`: the xDS server alone, on the store the CROSSWAY_*
// settings name (the API's `npm start` runs the same control plane in its process).
// It always serves the mesh identity (built-in CA, settings.ts for its key).
// CROSSWAY_METRICS_PORT adds the admin endpoint: /metrics (xDS and process metrics), /readyz,
// /debug/objects (the objects the snapshots are built from);
// CROSSWAY_TRACE_CHANGES=1 logs a change-trace line per published round.
import pino from 'pino';
import { Registry } from 'prom-client';
import { openStoreFromSettings } from '@crossway/store';
import { startControlPlane, type ControlPlane } from './control-plane';
import { startMetricsServer, withProcessMetrics, type MetricsServer } from './metrics-server';
import { loadControlPlaneSettings } from './settings';

async function main(): Promise<void> {
  const loaded = loadControlPlaneSettings(process.env);
  if (!loaded.ok) {
    pino({ name: 'crossway-controlplane' }).fatal({ errors: loaded.errors }, 'invalid settings');
    process.exit(2);
  }
  const { settings } = loaded;
  const log = pino({ name: 'crossway-controlplane', level: settings.logLevel });
  const store = openStoreFromSettings(settings);
  if (settings.store === 'memory')
    log.warn('CROSSWAY_STORE=memory: this control plane sees only its own, empty store');
  if (settings.ca.generatedKey)
    log.warn(
      'embedded store: the CA key lives only in this process (set CROSSWAY_CA_KEY_FILE to keep it)',
    );
  const registry = new Registry();
  // The admin endpoint listens first, so /readyz says "not ready" while the control
  // plane syncs with the store (and while the store cannot be reached at start).
  const started: { plane?: ControlPlane } = {};
  let metrics: MetricsServer | undefined;
  if (settings.metricsPort !== undefined) {
    metrics = await startMetricsServer({
      registry: withProcessMetrics(registry),
      host: settings.xdsHost,
      port: settings.metricsPort,
      ready: () => started.plane?.ready() ?? false,
      debug: {
        // What the snapshots are built from, to compare with a fresh read of the store.
        objects: () => started.plane?.snapshots.objectsDigest() ?? { revision: 0, objects: [] },
      },
    });
    log.info({ host: settings.xdsHost, port: metrics.port }, 'admin endpoint on /metrics, /readyz');
  }
  const running = await startControlPlane({
    store,
    logger: log,
    xdsPort: settings.xdsPort,
    xdsHost: settings.xdsHost,
    insecure: settings.insecureXds,
    traceChanges: settings.traceChanges,
    xdsLimits: settings.xdsLimits,
    registry,
    identity: {
      encryptionKey: settings.ca.encryptionKey,
      ...(settings.ca.provided === undefined ? {} : { provided: settings.ca.provided }),
    },
  });
  started.plane = running;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    await metrics?.close();
    await running.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  pino({ name: 'crossway-controlplane' }).fatal({ err: error }, 'failed to start');
  process.exit(1);
});
