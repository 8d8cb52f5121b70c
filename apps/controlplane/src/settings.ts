// The control plane's process settings (the contract's CROSSWAY_* variables it
// reads), validated once at start: a bad value stops the process with the variable named.
import { z } from 'zod';
import { storeEnvFields } from '@crossway/store';

const settingsSchema = z.object({
  ...storeEnvFields,
  CROSSWAY_XDS_PORT: z.coerce.number().int().min(1).max(65535).default(18000),
  CROSSWAY_XDS_HOST: z.string().default('127.0.0.1'),
  CROSSWAY_INSECURE_XDS: z.enum(['0', '1']).default('0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface ControlPlaneSettings {
  store: 'memory' | 'etcd';
  etcdEndpoints: string[];
  etcdPrefix: string;
  xdsPort: number;
  xdsHost: string;
  insecureXds: boolean;
  logLevel: string;
}

export type ControlPlaneSettingsResult =
  { ok: true; settings: ControlPlaneSettings } | { ok: false; errors: string[] };

export function loadControlPlaneSettings(
  env: Record<string, string | undefined>,
): ControlPlaneSettingsResult {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success)
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`),
    };
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
      logLevel: e.LOG_LEVEL,
    },
  };
}
