// startControlPlane: the xDS server wired together. The snapshot source (store ->
// per-group snapshots), the data-plane authenticator, the proxy registry and the
// metrics share one ProxyEvents stream; the ADS server serves SotW and Delta on
// xdsHost:xdsPort. It binds at once and serves as soon as the first snapshots are
// built (ready() turns true then; streams opened before simply wait). The status
// writer (status/, leader replica only) writes object status from the same builds.
// With `identity`, the CA is loaded (or created) before anything is served and the
// mesh identity secrets are served over SDS (identity/). With `traceChanges`, every
// published round logs one `change-trace` line at info (snapshots/change-rounds.ts).
import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';
import { Registry } from 'prom-client';
import type { Store } from '@crossway/store';
import { DEFAULT_REQUEST_LIMITS, startAdsServer } from './ads/index';
import { createDataPlaneAuthenticator } from './auth/index';
import { combineEvents } from './contracts';
import { proxyEventLog } from './event-log';
import { startIdentityService, type IdentityControl, type IdentityService } from './identity/index';
import { controlPlaneMetrics } from './metrics';
import { createProxyRegistry } from './registry/index';
import {
  createSnapshotSource,
  type ChangeTrace,
  type ControlPlaneSnapshotSource,
} from './snapshots/index';
import type { XdsLimitSettings } from './settings';
import { startStatusWriter, type StatusWriter } from './status/index';

export interface ControlPlaneOptions {
  store: Store;
  /** false: silent. */
  logger?: Logger | false;
  /** CROSSWAY_XDS_PORT; 0 picks a free port. */
  xdsPort: number;
  /** Default 127.0.0.1. */
  xdsHost?: string;
  /** Same as xdsHost (xdsHost wins). */
  host?: string;
  /** CROSSWAY_INSECURE_XDS=1: streams without data-plane tokens (local trials only). */
  insecure?: boolean;
  /** prom-client registry for the xDS metrics (default: a new one). */
  registry?: Registry;
  /** This control-plane replica's id in the proxy registry (default: hostname-pid). */
  instance?: string;
  debounceMs?: number;
  maxDelayMs?: number;
  /** Write object status to the store (leader replica only). Default true. */
  writeStatus?: boolean;
  /** Status writer tuning (tests): leader lease TTL and registry poll interval. */
  statusLeaseTtlMs?: number;
  statusIntervalMs?: number;
  /**
   * Mesh identity: serve crossway-identity and crossway-roots from the built-in CA
   * (loaded from the store, or created there on first start). Without it they are
   * named in the config but never served.
   */
  identity?: ControlPlaneIdentityOptions;
  /**
   * CROSSWAY_TRACE_CHANGES=1: one info line per published round, msg "change-trace",
   * with revision, receivedAt, debouncedAt, builtAt, sentAt (epoch ms), groups, streams.
   */
  traceChanges?: boolean;
  /**
   * What one data plane may ask of the xDS server: request size, per-stream request
   * rate and burst, resource names per request (settings.ts; defaults in ads/).
   */
  xdsLimits?: Partial<XdsLimitSettings>;
}

export interface ControlPlaneIdentityOptions {
  /** 32 bytes (CROSSWAY_CA_KEY_FILE / CROSSWAY_CA_KEY): the same on every replica. */
  encryptionKey: Buffer;
  /** Operator-provided root or intermediate (CROSSWAY_CA_CERT_FILE + CROSSWAY_CA_PRIVATE_KEY_FILE). */
  provided?: { certificateChainPem: string; privateKeyPem: string };
  /** The clock of certificates and renewals (tests). */
  now?: () => Date;
  /** How often the CA is re-read from the store (it may be rotated elsewhere). Default 30 s. */
  authorityPollMs?: number;
  /** How often certificates are checked for renewal at half-life. Default 30 s. */
  rotationCheckMs?: number;
}

export interface ControlPlane {
  /** The bound xDS port. */
  port: number;
  /** True once the first full snapshot of the store is built. */
  ready(): boolean;
  /** Resolves once ready() is true (or the control plane is closed). */
  whenReady(): Promise<void>;
  readonly snapshots: ControlPlaneSnapshotSource;
  /** Undefined when writeStatus is false. */
  readonly statusWriter: StatusWriter | undefined;
  /** Undefined without options.identity: renewal and CA checks on demand, the trust bundle. */
  readonly identity: IdentityControl | undefined;
  close(): Promise<void>;
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const logger =
    options.logger === false || options.logger === undefined
      ? pino({ level: 'silent' })
      : options.logger;
  const insecure = options.insecure ?? false;
  if (insecure)
    logger.warn(
      'CROSSWAY_INSECURE_XDS=1: the xDS server accepts ANY data plane without a token. ' +
        'For local trials only; never expose this port.',
    );
  const instance = options.instance ?? `${hostname()}-${process.pid}`;
  const metrics = controlPlaneMetrics(options.registry ?? new Registry());
  // The identity layer drops the certificates no group serves any more.
  const groups: { inUse?: () => Set<string> } = {};
  const identity: IdentityService | undefined =
    options.identity === undefined
      ? undefined
      : await startIdentityService({
          store: options.store,
          logger,
          encryptionKey: options.identity.encryptionKey,
          ...pick(options.identity, ['provided', 'now', 'authorityPollMs', 'rotationCheckMs']),
          inUse: () => groups.inUse?.() ?? new Set(),
        });
  const source = createSnapshotSource({
    store: options.store,
    logger: logger.child({ component: 'snapshots' }),
    ...(options.debounceMs === undefined ? {} : { debounceMs: options.debounceMs }),
    ...(options.maxDelayMs === undefined ? {} : { maxDelayMs: options.maxDelayMs }),
    onBuild: (build) => metrics.snapshotBuilt(build),
    ...(options.traceChanges === true
      ? { onChangeTrace: (trace: ChangeTrace) => logger.info(trace, 'change-trace') }
      : {}),
    ...(identity === undefined ? {} : { identity }),
  });
  groups.inUse = () => source.identitiesInUse();
  const registry = createProxyRegistry({ store: options.store, instance, logger });
  const auth = createDataPlaneAuthenticator({ store: options.store, insecure, logger });
  const started = source.start().catch((error: unknown) => {
    logger.error({ err: error }, 'snapshot source failed to start');
  });
  let server;
  try {
    server = await startAdsServer({
      host: options.xdsHost ?? options.host ?? '127.0.0.1',
      port: options.xdsPort,
      source,
      auth,
      events: combineEvents(registry, metrics, proxyEventLog(logger)),
      logger,
      guard: metrics,
      limits: { ...DEFAULT_REQUEST_LIMITS, ...pick(options.xdsLimits ?? {}, LIMIT_KEYS) },
      ...(options.xdsLimits?.maxRequestBytes === undefined
        ? {}
        : { maxRequestBytes: options.xdsLimits.maxRequestBytes }),
    });
  } catch (error) {
    await source.close();
    await registry.close();
    identity?.close();
    throw error;
  }
  logger.info({ port: server.port, instance, insecure }, 'xDS server listening');
  const ads = server;
  const statusWriter =
    options.writeStatus === false
      ? undefined
      : startStatusWriter({
          store: options.store,
          snapshots: source,
          logger,
          instance,
          ...(options.statusLeaseTtlMs === undefined
            ? {}
            : { leaseTtlMs: options.statusLeaseTtlMs }),
          ...(options.statusIntervalMs === undefined
            ? {}
            : { intervalMs: options.statusIntervalMs }),
        });
  return {
    port: ads.port,
    ready: () => source.ready(),
    whenReady: () => started,
    snapshots: source,
    statusWriter,
    identity: identity && {
      checkRotation: () => identity.checkRotation(),
      checkAuthority: () => identity.checkAuthority(),
      trustBundle: () => identity.trustBundle(),
      certificates: () => identity.certificates(),
    },
    close: async () => {
      identity?.close();
      await statusWriter?.close();
      await ads.close();
      await source.close();
      await registry.close();
    },
  };
}

const LIMIT_KEYS: (keyof XdsLimitSettings & keyof typeof DEFAULT_REQUEST_LIMITS)[] = [
  'requestsPerSecond',
  'burst',
  'maxResourceNames',
];

/** The fields of `object` among `keys` that are set (for exactOptionalPropertyTypes). */
function pick<T extends object, K extends keyof T>(object: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (object[key] !== undefined) out[key] = object[key];
  return out;
}
