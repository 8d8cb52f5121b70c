// Process settings from the environment (the contract's CROSSWAY_* variables),
// validated once at start: a bad value stops the process with the variable named.
import { z } from 'zod';
import { storeEnvFields } from '@crossway/store';

const portNumber = z.coerce.number().int().min(1).max(65535);

const settingsSchema = z.object({
  ...storeEnvFields,
  CROSSWAY_API_PORT: portNumber.default(8080),
  CROSSWAY_API_HOST: z.string().default('127.0.0.1'),
  CROSSWAY_XDS_PORT: portNumber.default(18000),
  CROSSWAY_XDS_HOST: z.string().default('127.0.0.1'),
  CROSSWAY_DEMO: z.enum(['0', '1']).optional(),
  CROSSWAY_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  CROSSWAY_INSECURE_XDS: z.enum(['0', '1']).default('0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

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
}

export type SettingsResult = { ok: true; settings: Settings } | { ok: false; errors: string[] };

export function loadSettings(env: Record<string, string | undefined>): SettingsResult {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`),
    };
  }
  const e = parsed.data;
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
      ...(e.CROSSWAY_ADMIN_TOKEN === undefined ? {} : { adminToken: e.CROSSWAY_ADMIN_TOKEN }),
    },
  };
}
