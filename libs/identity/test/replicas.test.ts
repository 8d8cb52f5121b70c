// Several control-plane replicas on one store (real etcd, and the memory store):
// racing creation ends with one CA; rotation is compare-and-put and keeps the old root
// trusted through the overlap.
import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  loadAuthority,
  loadOrCreateAuthority,
  rotateAuthority,
  spiffeIdOfWorkload,
} from '../src/index';
import {
  certificates,
  etcdReplicas,
  KEY,
  memoryReplicas,
  mtlsHandshake,
  only,
  type Replicas,
} from './helpers';

const HOUR = 3600_000;
const ID = spiffeIdOfWorkload('cluster.local', 'shop', 'cart');

/** The bundle's root that issued `leafPem`, if any, with the leaf's signature checked. */
function verifiesAgainst(leafPem: string, bundlePem: string): boolean {
  const leaf = only(certificates(leafPem).slice(0, 1));
  return certificates(bundlePem).some(
    (root) => leaf.checkIssued(root) && leaf.verify(root.publicKey),
  );
}

const backends: [string, (count: number) => Promise<Replicas> | Replicas][] = [
  ['etcd', etcdReplicas],
  ['memory', memoryReplicas],
];

describe.each(backends)('replicas on the %s store', (_name, open) => {
  let replicas: Replicas | undefined;
  afterEach(async () => {
    await replicas?.close();
    replicas = undefined;
  });

  it('5 replicas racing to create the CA all end with the same signer', async () => {
    replicas = await open(5);
    const authorities = await Promise.all(
      replicas.stores.map((store) => loadOrCreateAuthority({ store, encryptionKey: KEY })),
    );
    const fingerprints = new Set(authorities.map((ca) => ca.signerFingerprint));
    expect(fingerprints.size).toBe(1);
    expect(new Set(authorities.map((ca) => ca.trustBundle().version)).size).toBe(1);
    // A certificate from any replica verifies against any other replica's bundle.
    const issued = await authorities[3]?.issue(ID, HOUR);
    expect(
      verifiesAgainst(issued?.certificateChainPem ?? '', authorities[0]?.trustBundle().pem ?? ''),
    ).toBe(true);
  });

  it('rotation keeps old and new roots trusted until trustedUntil, then only the new one', async () => {
    replicas = await open(2);
    const [a, b] = replicas.stores;
    if (a === undefined || b === undefined) throw new Error('two stores expected');
    // Real time: the handshake below checks validity against the system clock.
    let now = new Date();
    const clock = () => now;
    const before = await loadOrCreateAuthority({ store: a, encryptionKey: KEY, now: clock });
    const oldRoot = before.trustBundle().pem;
    const oldServer = await before.issue(ID, 24 * HOUR);
    const oldClient = await before.issue(
      spiffeIdOfWorkload('cluster.local', 'shop', 'web'),
      24 * HOUR,
    );

    const after = await rotateAuthority({
      store: a,
      encryptionKey: KEY,
      now: clock,
      overlapMs: 24 * HOUR,
    });
    expect(after.signerFingerprint).not.toBe(before.signerFingerprint);
    const bundle = after.trustBundle();
    expect(bundle.roots.map((r) => r.fingerprint256)).toEqual([
      after.signerFingerprint,
      before.signerFingerprint,
    ]);
    expect(bundle.pem.endsWith(oldRoot)).toBe(true);
    expect(bundle.version).not.toBe(before.trustBundle().version);

    // Another replica re-reading sees the new signer.
    const elsewhere = await loadAuthority({ store: b, encryptionKey: KEY, now: clock });
    expect(elsewhere?.signerFingerprint).toBe(after.signerFingerprint);
    expect(elsewhere?.trustBundle().version).toBe(bundle.version);

    // Issued before and after the rotation: both verify against the bundle, and a
    // new certificate talks to an old one over real mutual TLS.
    const newServer = await after.issue(ID, 24 * HOUR);
    expect(verifiesAgainst(oldServer.certificateChainPem, bundle.pem)).toBe(true);
    expect(verifiesAgainst(newServer.certificateChainPem, bundle.pem)).toBe(true);
    expect(verifiesAgainst(newServer.certificateChainPem, oldRoot)).toBe(false);
    expect(
      await mtlsHandshake(
        { chainPem: newServer.certificateChainPem, keyPem: newServer.privateKeyPem },
        { chainPem: oldClient.certificateChainPem, keyPem: oldClient.privateKeyPem },
        bundle.pem,
      ),
    ).toEqual({ clientAuthorized: true, serverSawPeer: true });

    // After the overlap only the new root is trusted.
    now = new Date(now.getTime() + 24 * HOUR + 1);
    const later = after.trustBundle();
    expect(later.roots.map((r) => r.fingerprint256)).toEqual([after.signerFingerprint]);
    expect(only(certificates(later.pem)).fingerprint256).toBe(
      new X509Certificate(bundle.pem).fingerprint256,
    );
    expect(verifiesAgainst(oldServer.certificateChainPem, later.pem)).toBe(false);
    expect(elsewhere?.trustBundle(now).version).toBe(later.version);

    // The next rotation drops the expired root from the record.
    const third = await rotateAuthority({
      store: b,
      encryptionKey: KEY,
      now: clock,
      overlapMs: HOUR,
    });
    expect(third.trustBundle().roots.map((r) => r.fingerprint256)).toEqual([
      third.signerFingerprint,
      after.signerFingerprint,
    ]);
    const raw = (await a.records('ca').get('authority')) as { retiring: unknown[] };
    expect(raw.retiring).toHaveLength(1);
  });

  it('replicas rotating at once agree on one new signer (compare-and-put)', async () => {
    replicas = await open(3);
    const stores = replicas.stores;
    const first = await loadOrCreateAuthority({
      store: stores[0] ?? stores[1]!,
      encryptionKey: KEY,
    });
    const rotated = await Promise.all(
      stores.map((store) => rotateAuthority({ store, encryptionKey: KEY, overlapMs: HOUR })),
    );
    const signers = new Set(rotated.map((ca) => ca.signerFingerprint));
    expect(signers.size).toBe(1);
    expect(signers.has(first.signerFingerprint)).toBe(false);
    const stored = await loadAuthority({ store: stores[2] ?? stores[0]!, encryptionKey: KEY });
    expect(stored?.signerFingerprint).toBe(rotated[0]?.signerFingerprint);
    expect(stored?.trustBundle().roots).toHaveLength(2);
  });

  it('a replica with the wrong encryption key cannot rotate the CA away', async () => {
    replicas = await open(1);
    const store = replicas.stores[0];
    if (store === undefined) throw new Error('a store expected');
    const ca = await loadOrCreateAuthority({ store, encryptionKey: KEY });
    await expect(
      rotateAuthority({ store, encryptionKey: Buffer.alloc(32, 7), overlapMs: HOUR }),
    ).rejects.toThrow(/wrong CROSSWAY_CA_KEY/);
    expect((await loadAuthority({ store, encryptionKey: KEY }))?.signerFingerprint).toBe(
      ca.signerFingerprint,
    );
  });
});
