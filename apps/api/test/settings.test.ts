import { describe, expect, it } from 'vitest';
import { loadSettings } from '../src/settings';

describe('process settings', () => {
  it('defaults to the embedded store with the demo set on the contract ports', () => {
    expect(loadSettings({})).toEqual({
      ok: true,
      settings: {
        store: 'memory',
        etcdEndpoints: ['http://127.0.0.1:2379'],
        etcdPrefix: '/crossway',
        apiPort: 8080,
        apiHost: '127.0.0.1',
        xdsPort: 18000,
        xdsHost: '127.0.0.1',
        loadDemo: true,
        logLevel: 'info',
        insecureXds: false,
      },
    });
  });

  it('reads etcd endpoints as a comma-separated list and skips the demo on etcd', () => {
    const result = loadSettings({
      CROSSWAY_STORE: 'etcd',
      CROSSWAY_ETCD_ENDPOINTS: 'http://10.0.0.1:2379, http://10.0.0.2:2379',
    });
    expect(result.ok && result.settings.etcdEndpoints).toEqual([
      'http://10.0.0.1:2379',
      'http://10.0.0.2:2379',
    ]);
    expect(result.ok && result.settings.loadDemo).toBe(false);
  });

  it('a bad value names the variable', () => {
    const result = loadSettings({ CROSSWAY_STORE: 'postgres', CROSSWAY_API_PORT: '99999' });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.some((e) => e.startsWith('CROSSWAY_STORE:'))).toBe(true);
    expect(errors.some((e) => e.startsWith('CROSSWAY_API_PORT:'))).toBe(true);
  });
});
