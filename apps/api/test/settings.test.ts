import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { identityOf, loadSettings } from '../src/settings';

const KEY = randomBytes(32);

function tempFile(name: string, content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'crossway-settings-')), name);
  writeFileSync(path, content);
  return path;
}

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
        embeddedControlPlane: true,
        ca: {},
        apiTimeouts: { requestMs: 30_000, headersMs: 10_000 },
      },
    });
  });

  it('CROSSWAY_EMBEDDED_CONTROLPLANE=0 runs the API alone', () => {
    const result = loadSettings({ CROSSWAY_EMBEDDED_CONTROLPLANE: '0' });
    expect(result.ok && result.settings.embeddedControlPlane).toBe(false);
    const bad = loadSettings({ CROSSWAY_EMBEDDED_CONTROLPLANE: 'no' });
    expect(!bad.ok && bad.errors[0]).toMatch(/^CROSSWAY_EMBEDDED_CONTROLPLANE:/);
  });

  it('reads etcd endpoints as a comma-separated list and skips the demo on etcd', () => {
    const result = loadSettings({
      CROSSWAY_STORE: 'etcd',
      CROSSWAY_ETCD_ENDPOINTS: 'http://10.0.0.1:2379, http://10.0.0.2:2379',
      CROSSWAY_CA_KEY: KEY.toString('base64'),
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

  it('etcd without a CA key is an error naming the variables', () => {
    const result = loadSettings({ CROSSWAY_STORE: 'etcd' });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^CROSSWAY_CA_KEY_FILE: .*CROSSWAY_CA_KEY\b/);
  });

  it('reads the CA key from CROSSWAY_CA_KEY_FILE (raw bytes) or CROSSWAY_CA_KEY (hex)', () => {
    const fromFile = loadSettings({
      CROSSWAY_STORE: 'etcd',
      CROSSWAY_CA_KEY_FILE: tempFile('ca.key', KEY),
    });
    expect(fromFile.ok && fromFile.settings.ca.encryptionKey?.equals(KEY)).toBe(true);
    const fromEnv = loadSettings({ CROSSWAY_CA_KEY: KEY.toString('hex') });
    expect(fromEnv.ok && fromEnv.settings.ca.encryptionKey?.equals(KEY)).toBe(true);
  });

  it('a malformed CA key names its variable and never echoes the value', () => {
    const result = loadSettings({ CROSSWAY_CA_KEY: 'c2hvcnQ=' });
    const errors = result.ok ? [] : result.errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('CROSSWAY_CA_KEY');
    expect(errors[0]).not.toContain('c2hvcnQ=');
    const missing = loadSettings({ CROSSWAY_CA_KEY_FILE: '/nonexistent/ca.key' });
    expect(missing.ok ? [] : missing.errors).toEqual([
      expect.stringMatching(/^CROSSWAY_CA_KEY_FILE: cannot read/),
    ]);
  });

  it('an operator CA needs both CROSSWAY_CA_CERT_FILE and CROSSWAY_CA_PRIVATE_KEY_FILE', () => {
    const cert = tempFile('ca.crt', '-----BEGIN CERTIFICATE-----\n...\n');
    const key = tempFile('ca.key', '-----BEGIN PRIVATE KEY-----\n...\n');
    const half = loadSettings({ CROSSWAY_CA_CERT_FILE: cert });
    expect(half.ok ? [] : half.errors).toEqual([
      expect.stringMatching(/^CROSSWAY_CA_PRIVATE_KEY_FILE: .*go together/),
    ]);
    const both = loadSettings({ CROSSWAY_CA_CERT_FILE: cert, CROSSWAY_CA_PRIVATE_KEY_FILE: key });
    expect(both.ok && both.settings.ca.provided).toEqual({
      certificateChainPem: '-----BEGIN CERTIFICATE-----\n...\n',
      privateKeyPem: '-----BEGIN PRIVATE KEY-----\n...\n',
    });
  });

  it('the memory store without a key gets one random key per process', () => {
    const generated = identityOf({});
    expect(generated.generatedKey).toBe(true);
    expect(generated.identity.encryptionKey).toHaveLength(32);
    expect(identityOf({}).identity.encryptionKey.equals(generated.identity.encryptionKey)).toBe(
      false,
    );
    const given = identityOf({ encryptionKey: KEY });
    expect(given).toEqual({ identity: { encryptionKey: KEY }, generatedKey: false });
  });
});
