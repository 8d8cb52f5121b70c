// Rotation as a proxy sees it, through a real control plane and a raw ADS client:
// a workload certificate is renewed at half-life (on the injected clock) and pushed
// before the old one expires; a CA rotation done elsewhere (rotateAuthority on the
// store, as another replica or a tool would) reaches every proxy as a trust bundle
// with both roots, then a certificate signed by the new root. Replicas sharing one
// etcd serve the same roots. No private key ever reaches a log line.
import { Writable } from 'node:stream';
import { rotateAuthority } from '@crossway/identity';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { TYPE_URLS } from '../src/contracts';
import type { SotwClient, SotwResponse } from './support/raw-ads-client';
import {
  fetchSecrets,
  identityOf,
  rootsOf,
  signedByOneOf,
  startIdentityEnv,
  TestClock,
  uriSans,
  type IdentityEnv,
  type StoreKind,
} from './support/identity-env';

const FRONTEND = { role: 'sidecar', service: 'shop/frontend', workload: 'frontend-1' };
const FRONTEND_ID = 'spiffe://cluster.local/ns/shop/sa/frontend';
const HOUR = 3_600_000;

const envs: IdentityEnv[] = [];
afterEach(async () => {
  for (const env of envs.splice(0).reverse()) await env.close();
});

async function start(options: Parameters<typeof startIdentityEnv>[0]): Promise<IdentityEnv> {
  const env = await startIdentityEnv(options);
  envs.push(env);
  return env;
}

async function frontendStream(env: IdentityEnv, id = 'frontend-1.shop'): Promise<SotwClient> {
  return env.stream(id, FRONTEND, await env.token('sidecar', 'shop/frontend'));
}

/** SDS responses until one satisfies `done` (ACKing each); all of them, in order. */
async function secretsUntil(
  client: SotwClient,
  done: (response: SotwResponse) => boolean,
  timeoutMs = 10_000,
): Promise<SotwResponse[]> {
  const seen: SotwResponse[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await client.waitForResponse(TYPE_URLS.secrets, deadline - Date.now());
    client.ack(response);
    seen.push(response);
    if (done(response)) return seen;
  }
}

const fingerprint = (c: { fingerprint256: string }): string => c.fingerprint256;

/**
 * What a client holds after `response`: SDS in SotW is incremental (only changed
 * secrets are sent), so the secrets it leaves out are kept from `held`.
 */
function holding(held: SotwResponse, response: SotwResponse): SotwResponse {
  const kept = held.resources.filter((_, i) => !response.names.includes(held.names[i]!));
  const names = [...held.names.filter((n) => !response.names.includes(n)), ...response.names];
  return { ...response, names, resources: [...kept, ...response.resources] };
}

describe('workload certificate renewal', { timeout: 30_000 }, () => {
  it('pushes a renewed certificate at half-life, before the old one expires', async () => {
    const clock = new TestClock();
    const env = await start({ clock, rotationCheckMs: 100 });
    const client = await frontendStream(env);
    const first = await fetchSecrets(client, ['crossway-identity', 'crossway-roots']);
    const old = identityOf(first).leaf;
    const oldNotAfter = Date.parse(old.validTo);

    // Before half-life (24h certTTL): the timer checks, nothing is renewed or pushed.
    clock.advance(11 * HOUR);
    expect(await client.responsesWithin(400)).toEqual([]);

    // Past half-life: the next check renews it and the proxy gets it.
    clock.advance(2 * HOUR);
    const [pushed] = await secretsUntil(client, () => true);
    // Only the certificate changed, so only it is sent.
    expect(pushed!.names).toEqual(['crossway-identity']);
    const renewed = holding(first, pushed!);
    expect(clock.now().getTime()).toBeLessThan(oldNotAfter);
    expect(renewed.versionInfo).not.toBe(first.versionInfo);
    const leaf = identityOf(renewed).leaf;
    expect(leaf.serialNumber).not.toBe(old.serialNumber);
    expect(uriSans(leaf)).toEqual([FRONTEND_ID]);
    expect(Date.parse(leaf.validTo)).toBeGreaterThan(oldNotAfter);
    expect(Date.parse(leaf.validFrom)).toBeLessThan(oldNotAfter);
    expect(identityOf(renewed).keyPem).not.toBe(identityOf(first).keyPem);
    // Same CA: the trust bundle did not change.
    expect(rootsOf(renewed).map(fingerprint)).toEqual(rootsOf(first).map(fingerprint));
    expect(signedByOneOf(leaf, rootsOf(renewed))).toBe(true);
  });

  it('renews on demand (checkRotation) and a new proxy of the identity gets the renewed one', async () => {
    const clock = new TestClock();
    const env = await start({ clock });
    const client = await frontendStream(env);
    const first = identityOf(await fetchSecrets(client, ['crossway-identity'])).leaf;
    await env.plane.identity?.checkRotation();
    expect(await client.responsesWithin(200)).toEqual([]);

    clock.advance(12 * HOUR + 2 * 60_000);
    await env.plane.identity?.checkRotation();
    const renewed = identityOf((await secretsUntil(client, () => true))[0]!).leaf;
    expect(renewed.serialNumber).not.toBe(first.serialNumber);
    const late = await frontendStream(env, 'frontend-2.shop');
    expect(identityOf(await fetchSecrets(late, ['crossway-identity'])).leaf.serialNumber).toBe(
      renewed.serialNumber,
    );
  });
});

for (const store of ['memory', 'etcd'] as StoreKind[]) {
  describe(`CA rotation (${store} store)`, { timeout: 30_000 }, () => {
    it('pushes a bundle with both roots, then a certificate signed by the new root', async () => {
      const logged: string[] = [];
      const logger = pino(
        { level: 'trace' },
        new Writable({
          write(chunk: Buffer, _encoding, callback) {
            logged.push(chunk.toString());
            callback();
          },
        }),
      );
      const env = await start({ store, logger, authorityPollMs: 100 });
      const client = await frontendStream(env);
      const first = await fetchSecrets(client, ['crossway-identity', 'crossway-roots']);
      const [oldRoot] = rootsOf(first);
      expect(rootsOf(first)).toHaveLength(1);
      // A pure proxyless client holds the trust bundle only.
      const bundleOnly = env.stream(
        'client-1',
        { role: 'proxyless' },
        await env.token('proxyless'),
      );
      expect((await fetchSecrets(bundleOnly, ['crossway-roots'])).names).toEqual([
        'crossway-roots',
      ]);

      const rotated = await rotateAuthority({
        store: env.store,
        encryptionKey: env.encryptionKey,
        overlapMs: 48 * HOUR,
      });
      const newRootFingerprint = rotated.trustBundle().roots[0]!.fingerprint256;
      const isNewRoot = (c: { fingerprint256: string }) =>
        c.fingerprint256.replace(/:/g, '').toLowerCase() ===
        newRootFingerprint.replace(/:/g, '').toLowerCase();

      // What the client holds after each push (SDS responses carry changed secrets only).
      const seen: SotwResponse[] = [];
      let held = first;
      await secretsUntil(client, (r) => {
        held = holding(held, r);
        seen.push(held);
        const newRoot = rootsOf(held).find(isNewRoot);
        return newRoot !== undefined && signedByOneOf(identityOf(held).leaf, [newRoot]);
      });
      // After every push the client trusts both roots, and its certificate verifies
      // against its bundle (the bundle never lags behind the certificate).
      for (const response of seen) {
        const roots = rootsOf(response);
        expect(roots.map(fingerprint).sort()).toEqual(
          [oldRoot!, roots.find(isNewRoot)!].map(fingerprint).sort(),
        );
        expect(signedByOneOf(identityOf(response).leaf, roots)).toBe(true);
      }
      const [bundle] = await secretsUntil(bundleOnly, () => true);
      expect(rootsOf(bundle!).map(fingerprint).sort()).toEqual(
        rootsOf(seen.at(-1)!).map(fingerprint).sort(),
      );
      const last = identityOf(seen.at(-1)!).leaf;
      expect(uriSans(last)).toEqual([FRONTEND_ID]);
      expect(signedByOneOf(last, [oldRoot!])).toBe(false);
      expect(env.plane.identity?.trustBundle().roots).toHaveLength(2);

      // Keys were issued and served, never logged.
      const text = logged.join('');
      expect(text).toContain('certificate authority changed');
      expect(text).not.toContain('PRIVATE KEY');
      for (const response of [first, ...seen]) {
        const body = identityOf(response).keyPem.split('\n')[1]!;
        expect(text).not.toContain(body);
      }
    });
  });
}

describe('replicas sharing one etcd', { timeout: 30_000 }, () => {
  it('serve the same trust bundle, each with its own certificate of the identity', async () => {
    const one = await start({ store: 'etcd' });
    const two = await start({ share: { store: one.store, encryptionKey: one.encryptionKey } });
    const a = await fetchSecrets(await frontendStream(one), [
      'crossway-identity',
      'crossway-roots',
    ]);
    const b = await fetchSecrets(await frontendStream(two), [
      'crossway-identity',
      'crossway-roots',
    ]);
    expect(rootsOf(a).map(fingerprint)).toEqual(rootsOf(b).map(fingerprint));
    expect(identityOf(a).leaf.serialNumber).not.toBe(identityOf(b).leaf.serialNumber);
    for (const response of [a, b]) {
      expect(uriSans(identityOf(response).leaf)).toEqual([FRONTEND_ID]);
      expect(signedByOneOf(identityOf(response).leaf, rootsOf(a))).toBe(true);
    }
  });
});
