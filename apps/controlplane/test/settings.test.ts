// The standalone control plane's settings: the contract's defaults, and a bad
// value named by its variable. The CA settings: the key that seals the CA key in the
// store (required with etcd, random per process with the embedded store) and an
// operator-provided CA (both files or neither).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCaSettings, loadControlPlaneSettings } from '../src/settings';

const dir = mkdtempSync(join(tmpdir(), 'crossway-cp-settings-'));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const KEY_PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const CERT_PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function errorsOf(result: { ok: boolean; errors?: string[] }): string[] {
  return result.ok ? [] : (result.errors ?? []);
}

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
        traceChanges: false,
        xdsLimits: {
          maxRequestBytes: 4 * 1024 * 1024,
          requestsPerSecond: 100,
          burst: 200,
          maxResourceNames: 100_000,
        },
        logLevel: 'info',
        ca: { encryptionKey: expect.any(Buffer), generatedKey: true },
      },
    });
  });

  it('reads the xDS abuse limits and names a bad one', () => {
    const result = loadControlPlaneSettings({
      CROSSWAY_XDS_MAX_REQUEST_BYTES: '1048576',
      CROSSWAY_XDS_STREAM_REQUESTS_PER_SECOND: '20',
      CROSSWAY_XDS_STREAM_REQUEST_BURST: '40',
      CROSSWAY_XDS_MAX_RESOURCE_NAMES: '5000',
    });
    if (!result.ok) throw new Error(result.errors.join('; '));
    expect(result.settings.xdsLimits).toEqual({
      maxRequestBytes: 1048576,
      requestsPerSecond: 20,
      burst: 40,
      maxResourceNames: 5000,
    });
    const bad = loadControlPlaneSettings({
      CROSSWAY_XDS_MAX_REQUEST_BYTES: '10',
      CROSSWAY_XDS_STREAM_REQUESTS_PER_SECOND: '0',
      CROSSWAY_XDS_STREAM_REQUEST_BURST: 'lots',
      CROSSWAY_XDS_MAX_RESOURCE_NAMES: '-1',
    });
    expect(
      errorsOf(bad)
        .map((e) => e.split(':')[0])
        .sort(),
    ).toEqual([
      'CROSSWAY_XDS_MAX_REQUEST_BYTES',
      'CROSSWAY_XDS_MAX_RESOURCE_NAMES',
      'CROSSWAY_XDS_STREAM_REQUESTS_PER_SECOND',
      'CROSSWAY_XDS_STREAM_REQUEST_BURST',
    ]);
  });

  it('turns change tracing and the metrics endpoint on when asked (none by default)', () => {
    const result = loadControlPlaneSettings({
      CROSSWAY_TRACE_CHANGES: '1',
      CROSSWAY_METRICS_PORT: '9464',
    });
    if (!result.ok) throw new Error(result.errors.join('; '));
    expect(result.settings.traceChanges).toBe(true);
    expect(result.settings.metricsPort).toBe(9464);
    const bad = loadControlPlaneSettings({
      CROSSWAY_TRACE_CHANGES: 'yes',
      CROSSWAY_METRICS_PORT: '0',
    });
    expect(
      errorsOf(bad)
        .map((e) => e.split(':')[0])
        .sort(),
    ).toEqual(['CROSSWAY_METRICS_PORT', 'CROSSWAY_TRACE_CHANGES']);
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
      expect(result.errors.some((e) => e.startsWith('CROSSWAY_CA_KEY_FILE:'))).toBe(true);
    }
  });
});

describe('CA settings', () => {
  it('requires CROSSWAY_CA_KEY_FILE or CROSSWAY_CA_KEY with etcd', () => {
    const errors = errorsOf(loadControlPlaneSettings({ CROSSWAY_STORE: 'etcd' }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^CROSSWAY_CA_KEY_FILE: .*CROSSWAY_CA_KEY\b.*every replica/);
  });

  it('gives the embedded store a random key per process', () => {
    const a = loadCaSettings({}, 'memory');
    const b = loadCaSettings({}, 'memory');
    if (!a.ok || !b.ok) throw new Error('expected settings');
    expect(a.ca.generatedKey).toBe(true);
    expect(a.ca.encryptionKey).toHaveLength(32);
    expect(a.ca.encryptionKey.equals(b.ca.encryptionKey)).toBe(false);
  });

  it('reads the key from CROSSWAY_CA_KEY (base64 or hex) or CROSSWAY_CA_KEY_FILE (raw)', () => {
    const key = randomBytes(32);
    for (const env of [
      { CROSSWAY_CA_KEY: key.toString('base64') },
      { CROSSWAY_CA_KEY: key.toString('hex') },
      { CROSSWAY_CA_KEY_FILE: file('ca.key', key) },
    ]) {
      const result = loadControlPlaneSettings({ CROSSWAY_STORE: 'etcd', ...env });
      if (!result.ok) throw new Error(result.errors.join('; '));
      expect(result.settings.ca.encryptionKey.equals(key)).toBe(true);
      expect(result.settings.ca.generatedKey).toBe(false);
    }
  });

  it('names a malformed or unreadable key, never its value', () => {
    const bad = 'not-a-key-value';
    const malformed = errorsOf(loadCaSettings({ CROSSWAY_CA_KEY: bad }, 'etcd'));
    expect(malformed).toHaveLength(1);
    expect(malformed[0]).toContain('CROSSWAY_CA_KEY');
    expect(malformed[0]).not.toContain(bad);
    const missing = errorsOf(
      loadCaSettings({ CROSSWAY_CA_KEY_FILE: join(dir, 'absent.key') }, 'memory'),
    );
    expect(missing[0]).toMatch(/^CROSSWAY_CA_KEY_FILE: cannot read/);
  });

  it('takes an operator-provided CA from both files, or neither', () => {
    const cert = file('ca.crt', CERT_PEM);
    const privateKey = file('ca-key.pem', KEY_PEM);
    const both = loadCaSettings(
      { CROSSWAY_CA_CERT_FILE: cert, CROSSWAY_CA_PRIVATE_KEY_FILE: privateKey },
      'memory',
    );
    if (!both.ok) throw new Error(both.errors.join('; '));
    expect(both.ca.provided).toEqual({ certificateChainPem: CERT_PEM, privateKeyPem: KEY_PEM });

    expect(errorsOf(loadCaSettings({ CROSSWAY_CA_CERT_FILE: cert }, 'memory'))).toEqual([
      'CROSSWAY_CA_PRIVATE_KEY_FILE: required with CROSSWAY_CA_CERT_FILE (both or neither)',
    ]);
    expect(
      errorsOf(loadCaSettings({ CROSSWAY_CA_PRIVATE_KEY_FILE: privateKey }, 'memory')),
    ).toEqual([
      'CROSSWAY_CA_CERT_FILE: required with CROSSWAY_CA_PRIVATE_KEY_FILE (both or neither)',
    ]);
    // Swapped files: each is named, and the key's content is not echoed.
    const swapped = errorsOf(
      loadCaSettings(
        { CROSSWAY_CA_CERT_FILE: privateKey, CROSSWAY_CA_PRIVATE_KEY_FILE: cert },
        'memory',
      ),
    );
    expect(swapped.map((e) => e.split(':')[0]).sort()).toEqual([
      'CROSSWAY_CA_CERT_FILE',
      'CROSSWAY_CA_PRIVATE_KEY_FILE',
    ]);
    expect(swapped.join('\n')).not.toContain(KEY_PEM.split('\n')[1]!);
  });
});
