// An operator-provided CA: a root, or an intermediate with its root; bad ones refused.
import { createHash, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '@crossway/store';
import { loadOrCreateAuthority, rotateAuthority, spiffeIdOfWorkload } from '../src/index';
import { certificates, KEY, mtlsHandshake, only, operatorCa, type OperatorCa } from './helpers';

const HOUR = 3600_000;
const ID = spiffeIdOfWorkload('cluster.local', 'shop', 'cart');
let op: OperatorCa;

beforeAll(async () => {
  op = await operatorCa();
});

function fingerprint(pem: string): string {
  return createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
}

describe('an operator-provided CA', () => {
  it('a root signs leaves directly and is the whole bundle', async () => {
    const store = new MemoryStore();
    const ca = await loadOrCreateAuthority({
      store,
      encryptionKey: KEY,
      provided: { certificateChainPem: op.rootPem, privateKeyPem: op.rootKeyPem },
    });
    expect(ca.signerFingerprint).toBe(fingerprint(op.rootPem));
    expect(ca.trustBundle().pem).toBe(op.rootPem);
    const issued = await ca.issue(ID, HOUR);
    const leaf = only(certificates(issued.certificateChainPem));
    const root = new X509Certificate(op.rootPem);
    expect(leaf.checkIssued(root)).toBe(true);
    expect(leaf.verify(root.publicKey)).toBe(true);
    expect(JSON.stringify(await store.records('ca').get('authority'))).not.toContain('PRIVATE KEY');
  });

  it('an intermediate signs; leaves carry it; the bundle holds the root above it', async () => {
    const ca = await loadOrCreateAuthority({
      store: new MemoryStore(),
      encryptionKey: KEY,
      provided: {
        certificateChainPem: op.intermediatePem + op.rootPem,
        privateKeyPem: op.intermediateKeyPem,
      },
    });
    expect(ca.signerFingerprint).toBe(fingerprint(op.intermediatePem));
    const bundle = ca.trustBundle();
    expect(bundle.pem).toBe(op.rootPem);
    expect(bundle.roots.map((r) => r.fingerprint256)).toEqual([fingerprint(op.rootPem)]);

    const server = await ca.issue(ID, HOUR);
    const [leaf, intermediate, ...rest] = certificates(server.certificateChainPem);
    expect(rest).toEqual([]);
    const root = new X509Certificate(op.rootPem);
    expect(intermediate?.fingerprint256).toBe(
      new X509Certificate(op.intermediatePem).fingerprint256,
    );
    expect(leaf?.checkIssued(intermediate as X509Certificate)).toBe(true);
    expect(leaf?.verify((intermediate as X509Certificate).publicKey)).toBe(true);
    expect(intermediate?.verify(root.publicKey)).toBe(true);

    const client = await ca.issue(spiffeIdOfWorkload('cluster.local', 'shop', 'web'), HOUR);
    expect(
      await mtlsHandshake(
        { chainPem: server.certificateChainPem, keyPem: server.privateKeyPem },
        { chainPem: client.certificateChainPem, keyPem: client.privateKeyPem },
        bundle.pem,
      ),
    ).toEqual({ clientAuthorized: true, serverSawPeer: true });
  });

  it('refuses a key that does not match, a certificate that is no CA, a chain out of order', async () => {
    const open = (certificateChainPem: string, privateKeyPem: string) =>
      loadOrCreateAuthority({
        store: new MemoryStore(),
        encryptionKey: KEY,
        provided: { certificateChainPem, privateKeyPem },
      });
    await expect(open(op.rootPem, op.intermediateKeyPem)).rejects.toThrow(
      'the provided CA private key does not match the CA certificate (the first of the chain)',
    );
    await expect(open(op.leafPem + op.rootPem, op.leafKeyPem)).rejects.toThrow(
      /"CN=not a ca" is not a CA/,
    );
    await expect(open(op.rootPem + op.intermediatePem, op.rootKeyPem)).rejects.toThrow(
      /chain is out of order/,
    );
    await expect(open('no pem here', op.rootKeyPem)).rejects.toThrow(/holds no PEM certificate/);
    const error = await open(op.rootPem, 'garbage').catch((e: unknown) => e);
    expect(String(error)).toMatch(/not a readable PEM private key/);
  });

  it('is used only when the store has no authority yet', async () => {
    const store = new MemoryStore();
    const first = await loadOrCreateAuthority({ store, encryptionKey: KEY });
    const again = await loadOrCreateAuthority({
      store,
      encryptionKey: KEY,
      provided: { certificateChainPem: op.rootPem, privateKeyPem: op.rootKeyPem },
    });
    expect(again.signerFingerprint).toBe(first.signerFingerprint);
  });

  it('rotation can move a created root to an operator intermediate, trusting both roots', async () => {
    const store = new MemoryStore();
    const before = await loadOrCreateAuthority({ store, encryptionKey: KEY });
    const oldLeaf = await before.issue(ID, HOUR);
    const provided = {
      certificateChainPem: op.intermediatePem + op.rootPem,
      privateKeyPem: op.intermediateKeyPem,
    };
    const after = await rotateAuthority({ store, encryptionKey: KEY, provided, overlapMs: HOUR });
    expect(after.signerFingerprint).toBe(fingerprint(op.intermediatePem));
    expect(after.trustBundle().roots.map((r) => r.fingerprint256)).toEqual([
      fingerprint(op.rootPem),
      before.signerFingerprint,
    ]);
    const newLeaf = await after.issue(ID, HOUR);
    expect(
      await mtlsHandshake(
        { chainPem: newLeaf.certificateChainPem, keyPem: newLeaf.privateKeyPem },
        { chainPem: oldLeaf.certificateChainPem, keyPem: oldLeaf.privateKeyPem },
        after.trustBundle().pem,
      ),
    ).toEqual({ clientAuthorized: true, serverSawPeer: true });
    await expect(
      rotateAuthority({ store, encryptionKey: KEY, provided, overlapMs: HOUR }),
    ).rejects.toThrow(/already the current signer/);
  });
});
