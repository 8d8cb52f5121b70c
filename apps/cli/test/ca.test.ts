// crossway ca roots / ca rotate against the real API with a built-in CA.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossway, startApi, type Api } from './support/harness';

let api: Api;
beforeAll(async () => {
  api = await startApi(undefined, { identity: true });
});
afterAll(async () => api?.close());

describe('crossway ca', () => {
  it('shows the signing root, rotates to a new one and keeps the old one as retiring', async () => {
    const roots = await crossway(['ca', 'roots'], { url: api.url });
    expect(roots.code, roots.stderr).toBe(0);
    expect(roots.stdout).toMatch(/ROLE\s+SUBJECT\s+FINGERPRINT/);
    expect(roots.stdout.trim().split('\n')).toHaveLength(2);
    const before = JSON.parse(
      (await crossway(['ca', 'roots', '-o', 'json'], { url: api.url })).stdout,
    ) as { roots: { fingerprint256: string }[] };

    const rotated = await crossway(['ca', 'rotate', '--overlap', '48h', '-o', 'json'], {
      url: api.url,
    });
    expect(rotated.code, rotated.stderr).toBe(0);
    const answer = JSON.parse(rotated.stdout) as {
      signerFingerprint: string;
      previousSignerFingerprint: string;
      trustBundle: { roots: { fingerprint256: string }[] };
    };
    expect(answer.previousSignerFingerprint).toBe(before.roots[0]?.fingerprint256);
    expect(answer.trustBundle.roots.map((r) => r.fingerprint256)).toEqual([
      answer.signerFingerprint,
      answer.previousSignerFingerprint,
    ]);
    const table = await crossway(['ca', 'roots'], { url: api.url });
    expect(table.stdout).toMatch(/signing\s/);
    expect(table.stdout).toMatch(/retiring\s/);
  });

  it('refuses an overlap the API does not accept, and a malformed one before sending', async () => {
    const short = await crossway(['ca', 'rotate', '--overlap', '5s'], { url: api.url });
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('overlap');
    const malformed = await crossway(['ca', 'rotate', '--overlap', 'soon'], { url: api.url });
    expect(malformed.code).toBe(2);
  });
});
