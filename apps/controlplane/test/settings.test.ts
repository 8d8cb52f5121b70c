// The standalone control plane's settings: the contract's defaults, and a bad
// value named by its variable.
import { describe, expect, it } from 'vitest';
import { loadControlPlaneSettings } from '../src/settings';

describe('control-plane settings', () => {
  it('defaults to the embedded store and the contract xDS port, secure', () => {
    expect(loadControlPlaneSettings({})).toEqual({
      ok: true,
      settings: {
        store: 'memory',
        etcdEndpoints: ['http://127.0.0.1:2379'],
        etcdPrefix: '/crossway',
        xdsPort: 18000,
        xdsHost: '127.0.0.1',
        insecureXds: false,
        logLevel: 'info',
      },
    });
  });

  it('names each bad variable', () => {
    const result = loadControlPlaneSettings({
      CROSSWAY_XDS_PORT: '70000',
      CROSSWAY_ETCD_ENDPOINTS: 'etcd:2379',
      CROSSWAY_STORE: 'etcd',
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.some((e) => e.startsWith('CROSSWAY_XDS_PORT:'))).toBe(true);
      expect(result.errors.some((e) => e.startsWith('CROSSWAY_ETCD_ENDPOINTS:'))).toBe(true);
    }
  });
});
