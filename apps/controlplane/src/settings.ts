// The control plane's process settings (the contract's CROSSWAY_* variables it
// reads), validated once at start: a bad value stops the process with the variable named.
// The CA settings (loadCaSettings, also used by the API process that runs the control
// plane beside it): CROSSWAY_CA_KEY_FILE or CROSSWAY_CA_KEY encrypts the CA key in the
// store and must be the same on every replica, so it is required with etcd; with the
// embedded store a random key for the process stands in. CROSSWAY_CA_CERT_FILE and
// CROSSWAY_CA_PRIVATE_KEY_FILE (both or neither) give an operator-provided root or
// intermediate, used when the store holds no CA yet.
// The xDS abuse limits (ads/request-limits.ts): CROSSWAY_XDS_MAX_REQUEST_BYTES,
// CROSSWAY_XDS_STREAM_REQUESTS_PER_SECOND, CROSSWAY_XDS_STREAM_REQUEST_BURST and
// CROSSWAY_XDS_MAX_RESOURCE_NAMES, defaults far above what Envoy or gRPC send.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { encryptionKeyFromEnv } from '@crossway/identity';
import { storeEnvFields } from '@crossway/store';
import { DEFAULT_MAX_REQUEST_BYTES, DEFAULT_REQUEST_LIMITS } from './ads/index';

/** The xDS abuse limits' variables (also read by the API's embedded control plane). */
const xdsLimitFields = {
  // A request must hold at least a node; 1 GiB is beyond any sense.
  CROSSWAY_XDS_MAX_REQUEST_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .max(1024 * 1024 * 1024)
    .default(DEFAULT_MAX_REQUEST_BYTES),
  CROSSWAY_XDS_STREAM_REQUESTS_PER_SECOND: z.coerce
    .number()
    .positive()
    .default(DEFAULT_REQUEST_LIMITS.requestsPerSecond),
  CROSSWAY_XDS_STREAM_REQUEST_BURST: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_REQUEST_LIMITS.burst),
  CROSSWAY_XDS_MAX_RESOURCE_NAMES: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_REQUEST_LIMITS.maxResourceNames),
};

const settingsSchema = z.object({
  ...storeEnvFields,
  CROSSWAY_XDS_PORT: z.coerce.number().int().min(1).max(65535).default(18000),
  CROSSWAY_XDS_HOST: z.string().default('127.0.0.1'),
  CROSSWAY_INSECURE_XDS: z.enum(['0', '1']).default('0'),
  CROSSWAY_TRACE_CHANGES: z.enum(['0', '1']).default('0'),
  CROSSWAY_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  ...xdsLimitFields,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface CaSettings {
  /** 32 bytes: encrypts the CA private key in the store. */
  encryptionKey: Buffer;
  /** True when no key was configured (embedded store): random, for this process only. */
  generatedKey: boolean;
  /** Operator-provided root or intermediate (PEM). */
  provided?: { certificateChainPem: string; privateKeyPem: string };
}

export type CaSettingsResult = { ok: true; ca: CaSettings } | { ok: false; errors: string[] };

export interface ControlPlaneSettings {
  store: 'memory' | 'etcd';
  etcdEndpoints: string[];
  etcdPrefix: string;
  xdsPort: number;
  xdsHost: string;
  insecureXds: boolean;
  /** CROSSWAY_TRACE_CHANGES=1: a change-trace log line per published round. */
  traceChanges: boolean;
  /** CROSSWAY_METRICS_PORT: serve /metrics (with process metrics) there; none by default. */
  metricsPort?: number;
  /** What one data plane may ask of the xDS server (ads/request-limits.ts). */
  xdsLimits: XdsLimitSettings;
  logLevel: string;
  ca: CaSettings;
}

export interface XdsLimitSettings {
  /** CROSSWAY_XDS_MAX_REQUEST_BYTES: larger requests are refused before they are read. */
  maxRequestBytes: number;
  /** CROSSWAY_XDS_STREAM_REQUESTS_PER_SECOND: sustained requests per stream. */
  requestsPerSecond: number;
  /** CROSSWAY_XDS_STREAM_REQUEST_BURST: requests a stream may send at once beyond the rate. */
  burst: number;
  /** CROSSWAY_XDS_MAX_RESOURCE_NAMES: resource names one request may carry. */
  maxResourceNames: number;
}

export type ControlPlaneSettingsResult =
  { ok: true; settings: ControlPlaneSettings } | { ok: false; errors: string[] };

const KEY_REQUIRED =
  'CROSSWAY_CA_KEY_FILE: required with CROSSWAY_STORE=etcd (or CROSSWAY_CA_KEY): the key ' +
  'that encrypts the CA key in etcd must be the same on every replica';

/** A PEM file named by `variable`, or an error naming it (never the file's content). */
function readPem(
  env: Record<string, string | undefined>,
  variable: string,
  marker: RegExp,
  what: string,
  errors: string[],
): string | undefined {
  const path = env[variable];
  if (path === undefined || path === '') return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    errors.push(`${variable}: cannot read ${path} (${code})`);
    return undefined;
  }
  if (!marker.test(text)) {
    errors.push(`${variable}: ${path} must hold ${what} in PEM`);
    return undefined;
  }
  return text;
}

export function loadCaSettings(
  env: Record<string, string | undefined>,
  store: 'memory' | 'etcd',
): CaSettingsResult {
  const errors: string[] = [];
  let key: Buffer | undefined;
  try {
    key = encryptionKeyFromEnv(env);
  } catch (error) {
    errors.push(error instanceof Error ? error.message : String(error));
  }
  if (key === undefined && errors.length === 0 && store === 'etcd') errors.push(KEY_REQUIRED);
  const certificateChainPem = readPem(
    env,
    'CROSSWAY_CA_CERT_FILE',
    /-----BEGIN CERTIFICATE-----/,
    'a certificate (chain)',
    errors,
  );
  const privateKeyPem = readPem(
    env,
    'CROSSWAY_CA_PRIVATE_KEY_FILE',
    /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
    'a private key',
    errors,
  );
  const certSet = (env['CROSSWAY_CA_CERT_FILE'] ?? '') !== '';
  const keySet = (env['CROSSWAY_CA_PRIVATE_KEY_FILE'] ?? '') !== '';
  if (certSet && !keySet)
    errors.push(
      'CROSSWAY_CA_PRIVATE_KEY_FILE: required with CROSSWAY_CA_CERT_FILE (both or neither)',
    );
  if (keySet && !certSet)
    errors.push(
      'CROSSWAY_CA_CERT_FILE: required with CROSSWAY_CA_PRIVATE_KEY_FILE (both or neither)',
    );
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    ca: {
      encryptionKey: key ?? randomBytes(32),
      generatedKey: key === undefined,
      ...(certificateChainPem !== undefined && privateKeyPem !== undefined
        ? { provided: { certificateChainPem, privateKeyPem } }
        : {}),
    },
  };
}

/** CROSSWAY_XDS_* limit settings alone, for a control plane embedded in another process. */
export function loadXdsLimitSettings(
  env: Record<string, string | undefined>,
): { ok: true; limits: XdsLimitSettings } | { ok: false; errors: string[] } {
  const parsed = z.object(xdsLimitFields).safeParse(env);
  if (!parsed.success)
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`),
    };
  const e = parsed.data;
  return {
    ok: true,
    limits: {
      maxRequestBytes: e.CROSSWAY_XDS_MAX_REQUEST_BYTES,
      requestsPerSecond: e.CROSSWAY_XDS_STREAM_REQUESTS_PER_SECOND,
      burst: e.CROSSWAY_XDS_STREAM_REQUEST_BURST,
      maxResourceNames: e.CROSSWAY_XDS_MAX_RESOURCE_NAMES,
    },
  };
}

export function loadControlPlaneSettings(
  env: Record<string, string | undefined>,
): ControlPlaneSettingsResult {
  const parsed = settingsSchema.safeParse(env);
  const ca = loadCaSettings(env, env['CROSSWAY_STORE'] === 'etcd' ? 'etcd' : 'memory');
  const errors = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`)),
    ...(ca.ok ? [] : ca.errors),
  ];
  if (!parsed.success || !ca.ok) return { ok: false, errors };
  const e = parsed.data;
  return {
    ok: true,
    settings: {
      store: e.CROSSWAY_STORE,
      etcdEndpoints: e.CROSSWAY_ETCD_ENDPOINTS,
      etcdPrefix: e.CROSSWAY_ETCD_PREFIX,
      xdsPort: e.CROSSWAY_XDS_PORT,
      xdsHost: e.CROSSWAY_XDS_HOST,
      insecureXds: e.CROSSWAY_INSECURE_XDS === '1',
      traceChanges: e.CROSSWAY_TRACE_CHANGES === '1',
      ...(e.CROSSWAY_METRICS_PORT === undefined ? {} : { metricsPort: e.CROSSWAY_METRICS_PORT }),
      xdsLimits: {
        maxRequestBytes: e.CROSSWAY_XDS_MAX_REQUEST_BYTES,
        requestsPerSecond: e.CROSSWAY_XDS_STREAM_REQUESTS_PER_SECOND,
        burst: e.CROSSWAY_XDS_STREAM_REQUEST_BURST,
        maxResourceNames: e.CROSSWAY_XDS_MAX_RESOURCE_NAMES,
      },
      logLevel: e.LOG_LEVEL,
      ca: ca.ca,
    },
  };
}
