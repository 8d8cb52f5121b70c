// Issuing from a fresh root: chain, SAN, validity, usages, CSRs, the trust bundle.
import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@crossway/store';
import {
  loadOrCreateAuthority,
  spiffeIdOfGateway,
  spiffeIdOfWorkload,
  spiffeIdsOf,
} from '../src/index';
import {
  certificates,
  csrAsking,
  derToPem,
  KEY,
  KeyUsage,
  keyUsageOf,
  mtlsHandshake,
  only,
} from './helpers';

const NOW = new Date('2026-11-28T10:00:00.000Z');
const HOUR = 3600_000;

async function authority() {
  return loadOrCreateAuthority({ store: new MemoryStore(), encryptionKey: KEY, now: () => NOW });
}

function spki(pem: string): Buffer {
  return createPublicKey(pem).export({ type: 'spki', format: 'der' });
}

describe('SPIFFE IDs', () => {
  it('follow the contract for workloads and gateway edges', () => {
    expect(spiffeIdOfWorkload('cluster.local', 'shop', 'cart')).toBe(
      'spiffe://cluster.local/ns/shop/sa/cart',
    );
    expect(spiffeIdOfGateway('example.org', 'edge', 'public')).toBe(
      'spiffe://example.org/ns/edge/gateway/public',
    );
  });
});

describe('a created root', () => {
  it('is a 10-year self-signed ECDSA P-256 CA named O=Crossway, CN=Crossway Root CA <hex>', async () => {
    const ca = await authority();
    const bundle = ca.trustBundle();
    const root = only(certificates(bundle.pem));
    expect(root.subject).toMatch(/^O=Crossway\nCN=Crossway Root CA [0-9a-f]{8}$/);
    expect(root.ca).toBe(true);
    expect(root.checkIssued(root)).toBe(true);
    expect(root.verify(root.publicKey)).toBe(true);
    expect(root.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const years = (Date.parse(root.validTo) - NOW.getTime()) / (365 * 24 * HOUR);
    expect(years).toBeCloseTo(10, 1);
    expect(keyUsageOf(root.toString())).toEqual({
      flags: KeyUsage.keyCertSign | KeyUsage.cRLSign,
      critical: true,
    });
    const fingerprint = createHash('sha256').update(root.raw).digest('hex');
    expect(ca.signerFingerprint).toBe(fingerprint);
    expect(bundle.roots).toEqual([
      {
        subject: root.subject.replace('\n', ', '),
        fingerprint256: fingerprint,
        notAfter: expect.any(Date),
      },
    ]);
    expect(bundle.version).toBe(createHash('sha256').update(bundle.pem).digest('hex'));
  });
});

describe('issue', () => {
  it('signs a leaf for exactly the SPIFFE ID, for the TTL, verifiable against the bundle', async () => {
    const ca = await authority();
    const id = spiffeIdOfWorkload('cluster.local', 'shop', 'cart');
    const issued = await ca.issue(id, 24 * HOUR);
    const root = only(certificates(ca.trustBundle().pem));
    const leaf = only(certificates(issued.certificateChainPem));

    expect(leaf.checkIssued(root)).toBe(true);
    expect(leaf.verify(root.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe(`URI:${id}`);
    expect(spiffeIdsOf(issued.certificateChainPem)).toEqual([id]);
    expect(issued.spiffeId).toBe(id);

    expect(issued.notBefore).toEqual(new Date(NOW.getTime() - 60_000));
    expect(issued.notAfter).toEqual(new Date(NOW.getTime() + 24 * HOUR));
    expect(Date.parse(leaf.validFrom)).toBe(issued.notBefore.getTime());
    expect(Date.parse(leaf.validTo)).toBe(issued.notAfter.getTime());

    expect(leaf.ca).toBe(false);
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(keyUsageOf(leaf.toString())?.flags).toBe(
      KeyUsage.digitalSignature | KeyUsage.keyEncipherment,
    );
    expect(issued.serialNumber).toMatch(/^[0-9a-f]{32}$/);
    expect(leaf.serialNumber.toLowerCase()).toBe(issued.serialNumber);

    expect(issued.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(spki(issued.privateKeyPem)).toEqual(
      leaf.publicKey.export({ type: 'spki', format: 'der' }),
    );
    expect(createPrivateKey(issued.privateKeyPem).asymmetricKeyDetails?.namedCurve).toBe(
      'prime256v1',
    );
  });

  it('gives every certificate its own key and serial', async () => {
    const ca = await authority();
    const id = spiffeIdOfWorkload('cluster.local', 'a', 'b');
    const [one, two] = await Promise.all([ca.issue(id, HOUR), ca.issue(id, HOUR)]);
    expect(one?.serialNumber).not.toBe(two?.serialNumber);
    expect(one?.privateKeyPem).not.toBe(two?.privateKeyPem);
  });

  it('makes certificates that complete a real mutual TLS handshake with the bundle', async () => {
    const ca = await loadOrCreateAuthority({ store: new MemoryStore(), encryptionKey: KEY });
    const server = await ca.issue(spiffeIdOfWorkload('cluster.local', 'shop', 'cart'), HOUR);
    const client = await ca.issue(spiffeIdOfGateway('cluster.local', 'edge', 'public'), HOUR);
    const result = await mtlsHandshake(
      { chainPem: server.certificateChainPem, keyPem: server.privateKeyPem },
      { chainPem: client.certificateChainPem, keyPem: client.privateKeyPem },
      ca.trustBundle().pem,
    );
    expect(result).toEqual({ clientAuthorized: true, serverSawPeer: true });

    const other = await loadOrCreateAuthority({ store: new MemoryStore(), encryptionKey: KEY });
    const refused = await mtlsHandshake(
      { chainPem: server.certificateChainPem, keyPem: server.privateKeyPem },
      { chainPem: client.certificateChainPem, keyPem: client.privateKeyPem },
      other.trustBundle().pem,
    );
    expect(refused.clientAuthorized).toBe(false);
    expect(refused.serverSawPeer).toBe(false);
  });

  it('refuses what is not a SPIFFE ID and TTLs that are not positive', async () => {
    const ca = await authority();
    await expect(ca.issue('https://example.com/x', HOUR)).rejects.toThrow(/not a SPIFFE ID/);
    await expect(ca.issue('spiffe://cluster.local/ns/a/sa/b', 0)).rejects.toThrow(/TTL/);
  });
});

describe('signCsr', () => {
  it('signs the CSR key for the given SPIFFE ID only, ignoring the SANs it asks for', async () => {
    const ca = await authority();
    const csr = await csrAsking([
      { type: 'url', value: 'spiffe://cluster.local/ns/kube-system/sa/admin' },
      { type: 'dns', value: 'evil.example.com' },
    ]);
    const id = spiffeIdOfWorkload('cluster.local', 'shop', 'cart');
    const issued = await ca.signCsr(csr.pem, id, 2 * HOUR);
    const leaf = only(certificates(issued.certificateChainPem));
    expect(leaf.subjectAltName).toBe(`URI:${id}`);
    expect(spiffeIdsOf(issued.certificateChainPem)).toEqual([id]);
    expect(leaf.publicKey.export({ type: 'spki', format: 'der' })).toEqual(csr.spki);
    expect(leaf.verify(only(certificates(ca.trustBundle().pem)).publicKey)).toBe(true);
    expect(issued.notAfter).toEqual(new Date(NOW.getTime() + 2 * HOUR));
    expect(issued).not.toHaveProperty('privateKeyPem');
  });

  it('rejects a CSR whose signature does not verify, and one that is not a CSR', async () => {
    const ca = await authority();
    const csr = await csrAsking([]);
    const tampered = Buffer.from(csr.der);
    // The signature is the DER's tail: change its last byte.
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0x01;
    const id = spiffeIdOfWorkload('cluster.local', 'a', 'b');
    await expect(ca.signCsr(derToPem('CERTIFICATE REQUEST', tampered), id, HOUR)).rejects.toThrow(
      'the CSR signature does not verify',
    );
    await expect(ca.signCsr('not a csr', id, HOUR)).rejects.toThrow(/not a readable/);
  });
});

describe('X509Certificate sanity', () => {
  it('spiffeIdsOf reads only URI SANs', async () => {
    const ca = await authority();
    const issued = await ca.issue('spiffe://td/ns/x/sa/y', HOUR);
    expect(spiffeIdsOf(issued.certificateChainPem)).toEqual(['spiffe://td/ns/x/sa/y']);
    expect(new X509Certificate(ca.trustBundle().pem).subjectAltName).toBeUndefined();
  });
});
