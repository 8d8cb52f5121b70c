// Sealing the CA key, reading the encryption key from the environment, and what the
// stored record holds.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@crossway/store';
import { encryptionKeyFromEnv, loadAuthority, loadOrCreateAuthority } from '../src/index';
import { sealKey, unsealKey } from '../src/key-sealing';
import { KEY } from './helpers';

const PEM = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMG\n-----END PRIVATE KEY-----\n';

describe('key sealing', () => {
  it('round-trips, with a fresh IV each time, in the versioned text format', () => {
    const one = sealKey(PEM, KEY);
    const two = sealKey(PEM, KEY);
    expect(one).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(one).not.toBe(two);
    expect(one).not.toContain('PRIVATE KEY');
    expect(unsealKey(one, KEY)).toBe(PEM);
    expect(unsealKey(two, KEY)).toBe(PEM);
  });

  it('fails clearly with a wrong key or a tampered ciphertext, never showing the key', () => {
    const sealed = sealKey(PEM, KEY);
    const wrong = randomBytes(32);
    expect(() => unsealKey(sealed, wrong)).toThrow(
      'CA key cannot be decrypted: wrong CROSSWAY_CA_KEY?',
    );
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    const tampered = [parts[0], parts[1], parts[2], body.toString('base64url')].join('.');
    expect(() => unsealKey(tampered, KEY)).toThrow(/cannot be decrypted/);
    expect(() => unsealKey('v9.a.b.c', KEY)).toThrow(/not in a known sealed format/);
    expect(() => sealKey(PEM, randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('encryptionKeyFromEnv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crossway-ca-key-'));
  const file = (name: string, content: string | Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const key = randomBytes(32);

  it('is undefined when neither variable is set', () => {
    expect(encryptionKeyFromEnv({})).toBeUndefined();
    expect(encryptionKeyFromEnv({ CROSSWAY_CA_KEY: '' })).toBeUndefined();
  });

  it('reads a file of 32 raw bytes, or of base64 or hex text', () => {
    expect(encryptionKeyFromEnv({ CROSSWAY_CA_KEY_FILE: file('raw', key) })).toEqual(key);
    expect(
      encryptionKeyFromEnv({ CROSSWAY_CA_KEY_FILE: file('b64', `${key.toString('base64')}\n`) }),
    ).toEqual(key);
    expect(
      encryptionKeyFromEnv({ CROSSWAY_CA_KEY_FILE: file('hex', `${key.toString('hex')}\n`) }),
    ).toEqual(key);
  });

  it('reads CROSSWAY_CA_KEY as hex or base64; the file wins when both are set', () => {
    expect(encryptionKeyFromEnv({ CROSSWAY_CA_KEY: key.toString('hex') })).toEqual(key);
    expect(encryptionKeyFromEnv({ CROSSWAY_CA_KEY: key.toString('base64') })).toEqual(key);
    expect(encryptionKeyFromEnv({ CROSSWAY_CA_KEY: key.toString('base64url') })).toEqual(key);
    const other = randomBytes(32);
    expect(
      encryptionKeyFromEnv({
        CROSSWAY_CA_KEY_FILE: file('wins', other),
        CROSSWAY_CA_KEY: key.toString('hex'),
      }),
    ).toEqual(other);
  });

  it('throws an error naming the variable (not the value) when malformed', () => {
    const short = randomBytes(16).toString('hex');
    expect(() => encryptionKeyFromEnv({ CROSSWAY_CA_KEY: short })).toThrow(/^CROSSWAY_CA_KEY /);
    expect(() => encryptionKeyFromEnv({ CROSSWAY_CA_KEY: short })).not.toThrow(short);
    expect(() => encryptionKeyFromEnv({ CROSSWAY_CA_KEY: 'not a key!' })).toThrow(
      /CROSSWAY_CA_KEY must hold 32 bytes/,
    );
    expect(() =>
      encryptionKeyFromEnv({ CROSSWAY_CA_KEY_FILE: file('bad', 'hello world\n') }),
    ).toThrow(/^CROSSWAY_CA_KEY_FILE must hold 32 bytes/);
    expect(() => encryptionKeyFromEnv({ CROSSWAY_CA_KEY_FILE: join(dir, 'missing') })).toThrow(
      /^CROSSWAY_CA_KEY_FILE: cannot read .*missing \(ENOENT\)/,
    );
  });
});

describe('the stored authority record', () => {
  it('never holds the CA private key in the clear, and needs the right key to open', async () => {
    const store = new MemoryStore();
    const ca = await loadOrCreateAuthority({ store, encryptionKey: KEY });
    const raw = await store.records('ca').get('authority');
    const text = JSON.stringify(raw);
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).toContain('BEGIN CERTIFICATE');
    const record = raw as { version: number; current: { sealedKey: string }; retiring: unknown[] };
    expect(record.version).toBe(1);
    expect(record.retiring).toEqual([]);
    expect(unsealKey(record.current.sealedKey, KEY)).toMatch(/^-----BEGIN PRIVATE KEY-----/);

    await expect(loadAuthority({ store, encryptionKey: randomBytes(32) })).rejects.toThrow(
      'CA key cannot be decrypted: wrong CROSSWAY_CA_KEY?',
    );
    await expect(loadOrCreateAuthority({ store, encryptionKey: randomBytes(32) })).rejects.toThrow(
      /wrong CROSSWAY_CA_KEY/,
    );
    expect((await loadAuthority({ store, encryptionKey: KEY }))?.signerFingerprint).toBe(
      ca.signerFingerprint,
    );
    expect(await loadAuthority({ store: new MemoryStore(), encryptionKey: KEY })).toBeUndefined();
  });
});
