// Process settings from the environment (the contract's CROSSWAY_* variables),
// validated once at start: a bad value stops the process with the variable named.
// The CA settings are the control plane's: CROSSWAY_CA_KEY_FILE or CROSSWAY_CA_KEY (the
// key sealing the CA private key in the store; required with etcd), and optionally an
// operator's CA in CROSSWAY_CA_CERT_FILE + CROSSWAY_CA_PRIVATE_KEY_FILE.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { encryptionKeyFromEnv } from '@crossway/identity';
import { storeEnvFields } from '@crossway/store';

const portNumber = z.coerce.number().int().min(1).max(65535);
/** A timeout in milliseconds: long enough for a loopback test, at most 10 minutes. */
const timeoutMs = z.coerce
  .number()
  .int('must be a whole number of milliseconds')
  .min(100, 'must be at least 100 (milliseconds)')
  .max(600_000, 'must be at most 600000 (10 minutes)');

/**
 * How long a client may take to send a whole request, and its headers: a slow client
 * (slowloris, a body trickled byte by byte) is cut off with 408 instead of holding a
 * socket and a buffer for ever. Long-lived answers (watch) are not affected.
 */
export const API_TIMEOUT_DEFAULTS = { requestMs: 30_000, headersMs: 10_000 } as const;

const settingsSchema = z.object({
  ...storeEnvFields,
  CROSSWAY_API_PORT: portNumber.default(8080),
  CROSSWAY_API_HOST: z.string().default('127.0.0.1'),
  CROSSWAY_XDS_PORT: portNumber.default(18000),
  CROSSWAY_XDS_HOST: z.string().default('127.0.0.1'),
  CROSSWAY_DEMO: z.enum(['0', '1']).optional(),
  CROSSWAY_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  CROSSWAY_INSECURE_XDS: z.enum(['0', '1']).default('0'),
  CROSSWAY_EMBEDDED_CONTROLPLANE: z.enum(['0', '1']).default('1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CROSSWAY_CONSOLE_DIR: z.string().min(1).optional(),
  CROSSWAY_CA_CERT_FILE: z.string().min(1).optional(),
  CROSSWAY_CA_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  CROSSWAY_API_REQUEST_TIMEOUT_MS: timeoutMs.default(API_TIMEOUT_DEFAULTS.requestMs),
  CROSSWAY_API_HEADERS_TIMEOUT_MS: timeoutMs.optional(),
});

/** The CA's settings: what build() and startControlPlane() get as `identity`. */
export interface CaSettings {
  /** Absent with the memory store when none was set: a random one per process (see identityOf). */
  encryptionKey?: Buffer;
  /** An operator-provided root or intermediate (PEM chain and its private key). */
  provided?: { certificateChainPem: string; privateKeyPem: string };
}

export interface Settings {
  store: 'memory' | 'etcd';
  etcdEndpoints: string[];
  etcdPrefix: string;
  apiPort: number;
  apiHost: string;
  xdsPort: number;
  xdsHost: string;
  /** Load examples/shop.yaml at start. Default: with the memory store only. */
  loadDemo: boolean;
  logLevel: string;
  /** Bootstrap admin token; never stored. */
  adminToken?: string;
  /** Dev only: serve xDS without data-plane tokens. */
  insecureXds: boolean;
  /** Run the control plane in this process (default); false: the API alone, beside separate control planes. */
  embeddedControlPlane: boolean;
  ca: CaSettings;
  /** Slow-client limits of the REST API (CROSSWAY_API_REQUEST_TIMEOUT_MS, CROSSWAY_API_HEADERS_TIMEOUT_MS). */
  apiTimeouts: ApiTimeouts;
  /** The built console served under /ui; default dist/apps/console of this checkout. */
  consoleDir?: string;
}

export interface ApiTimeouts {
  /** The whole request (headers and body) must arrive within this. */
  requestMs: number;
  /** The request headers must arrive within this; never more than requestMs. */
  headersMs: number;
}

export type SettingsResult = { ok: true; settings: Settings } | { ok: false; errors: string[] };

function readPem(variable: string, path: string, errors: string[]): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    errors.push(
      `${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
    return undefined;
  }
}

function caSettings(
  env: Record<string, string | undefined>,
  e: z.output<typeof settingsSchema>,
  errors: string[],
): CaSettings {
  const ca: CaSettings = {};
  try {
    const key = encryptionKeyFromEnv(env);
    if (key !== undefined) ca.encryptionKey = key;
    else if (e.CROSSWAY_STORE === 'etcd')
      errors.push(
        'CROSSWAY_CA_KEY_FILE: the CA key is required with CROSSWAY_STORE=etcd (set CROSSWAY_CA_KEY_FILE or CROSSWAY_CA_KEY to 32 bytes, base64 or hex), so every replica can open the stored CA',
      );
  } catch (error) {
    errors.push(error instanceof Error ? error.message : String(error));
  }
  const certFile = e.CROSSWAY_CA_CERT_FILE;
  const keyFile = e.CROSSWAY_CA_PRIVATE_KEY_FILE;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    errors.push(
      `${certFile === undefined ? 'CROSSWAY_CA_CERT_FILE' : 'CROSSWAY_CA_PRIVATE_KEY_FILE'}: CROSSWAY_CA_CERT_FILE and CROSSWAY_CA_PRIVATE_KEY_FILE go together`,
    );
  } else if (certFile !== undefined && keyFile !== undefined) {
    const certificateChainPem = readPem('CROSSWAY_CA_CERT_FILE', certFile, errors);
    const privateKeyPem = readPem('CROSSWAY_CA_PRIVATE_KEY_FILE', keyFile, errors);
    if (certificateChainPem !== undefined && privateKeyPem !== undefined)
      ca.provided = { certificateChainPem, privateKeyPem };
  }
  return ca;
}

/**
 * The `identity` option of build() and startControlPlane(): with the memory store and no
 * key, a random key for this process (the CA lives only as long as the store anyway).
 */
export function identityOf(ca: CaSettings): {
  identity: { encryptionKey: Buffer; provided?: NonNullable<CaSettings['provided']> };
  generatedKey: boolean;
} {
  const identity = {
    encryptionKey: ca.encryptionKey ?? randomBytes(32),
    ...(ca.provided === undefined ? {} : { provided: ca.provided }),
  };
  return { identity, generatedKey: ca.encryptionKey === undefined };
}

export function loadSettings(env: Record<string, string | undefined>): SettingsResult {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`),
    };
  }
  const e = parsed.data;
  const errors: string[] = [];
  const ca = caSettings(env, e, errors);
  const requestMs = e.CROSSWAY_API_REQUEST_TIMEOUT_MS;
  // Unset, the headers limit follows a shorter request limit down.
  const headersMs =
    e.CROSSWAY_API_HEADERS_TIMEOUT_MS ?? Math.min(API_TIMEOUT_DEFAULTS.headersMs, requestMs);
  if (headersMs > requestMs)
    errors.push(
      `CROSSWAY_API_HEADERS_TIMEOUT_MS: must not exceed CROSSWAY_API_REQUEST_TIMEOUT_MS (${requestMs}): the headers are part of the request`,
    );
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    settings: {
      store: e.CROSSWAY_STORE,
      etcdEndpoints: e.CROSSWAY_ETCD_ENDPOINTS,
      etcdPrefix: e.CROSSWAY_ETCD_PREFIX,
      apiPort: e.CROSSWAY_API_PORT,
      apiHost: e.CROSSWAY_API_HOST,
      xdsPort: e.CROSSWAY_XDS_PORT,
      xdsHost: e.CROSSWAY_XDS_HOST,
      loadDemo:
        e.CROSSWAY_DEMO === undefined ? e.CROSSWAY_STORE === 'memory' : e.CROSSWAY_DEMO === '1',
      logLevel: e.LOG_LEVEL,
      insecureXds: e.CROSSWAY_INSECURE_XDS === '1',
      embeddedControlPlane: e.CROSSWAY_EMBEDDED_CONTROLPLANE === '1',
      ca,
      apiTimeouts: { requestMs, headersMs },
      ...(e.CROSSWAY_ADMIN_TOKEN === undefined ? {} : { adminToken: e.CROSSWAY_ADMIN_TOKEN }),
      ...(e.CROSSWAY_CONSOLE_DIR === undefined ? {} : { consoleDir: e.CROSSWAY_CONSOLE_DIR }),
    },
  };
}
