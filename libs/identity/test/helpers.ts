// Test helpers: stores (memory and real etcd, one prefix shared by "replicas"), an
// operator CA chain made outside the library, node:crypto certificate checks, and a
// real TLS handshake over 127.0.0.1 to check a chain against a trust bundle.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { etcdEndpointForTests, uniqueTestPrefix } from '@crossway/testing';
import { EtcdStore, MemoryStore, type Store } from '@crossway/store';

x509.cryptoProvider.set(webcrypto);

export const KEY = randomBytes(32);

/** N stores seeing the same data: N EtcdStores on one prefix, or one MemoryStore. */
export interface Replicas {
  stores: Store[];
  close(): Promise<void>;
}

export async function etcdReplicas(count: number): Promise<Replicas> {
  const endpoints = await etcdEndpointForTests();
  const prefix = uniqueTestPrefix('identity');
  const stores = Array.from({ length: count }, () => new EtcdStore({ endpoints, prefix }));
  return { stores, close: async () => void (await Promise.all(stores.map((s) => s.close()))) };
}

export function memoryReplicas(count: number): Replicas {
  const store = new MemoryStore();
  return { stores: Array.from({ length: count }, () => store), close: () => store.close() };
}

export function certificates(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (block) => new X509Certificate(block),
  );
}

export function only<T>(items: readonly T[]): T {
  if (items.length !== 1) throw new Error(`expected exactly one, got ${items.length}`);
  return items[0] as T;
}

function toPem(label: string, der: ArrayBuffer): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

async function newKeys(): Promise<{ keys: webcrypto.CryptoKeyPair; pem: string }> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  return {
    keys,
    pem: toPem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
  };
}

export interface OperatorCa {
  rootPem: string;
  rootKeyPem: string;
  intermediatePem: string;
  intermediateKeyPem: string;
  /** A non-CA certificate signed by the root (to be refused as a CA). */
  leafPem: string;
  leafKeyPem: string;
}

/** A root and an intermediate as an operator would bring them (made outside the library). */
export async function operatorCa(): Promise<OperatorCa> {
  const root = await newKeys();
  const rootCert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=Operator Root',
    keys: root.keys,
    signingAlgorithm: ALG,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 365 * 24 * 3600_000),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(root.keys.publicKey),
    ],
  });
  const signed = async (name: string, ca: boolean, keys: webcrypto.CryptoKeyPair) =>
    x509.X509CertificateGenerator.create({
      subject: name,
      issuer: rootCert.subject,
      publicKey: keys.publicKey,
      signingKey: root.keys.privateKey,
      signingAlgorithm: ALG,
      notBefore: new Date(Date.now() - 3600_000),
      notAfter: new Date(Date.now() + 180 * 24 * 3600_000),
      extensions: [
        new x509.BasicConstraintsExtension(ca, ca ? 0 : undefined, true),
        new x509.KeyUsagesExtension(
          ca
            ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
            : x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(root.keys.publicKey),
      ],
    });
  const intermediate = await newKeys();
  const leaf = await newKeys();
  return {
    rootPem: rootCert.toString('pem') + '\n',
    rootKeyPem: root.pem,
    intermediatePem:
      (await signed('CN=Operator Intermediate', true, intermediate.keys)).toString('pem') + '\n',
    intermediateKeyPem: intermediate.pem,
    leafPem: (await signed('CN=not a ca', false, leaf.keys)).toString('pem') + '\n',
    leafKeyPem: leaf.pem,
  };
}

/** A PKCS#10 CSR asking for `sans`, its key's SPKI, and the CSR's DER. */
export async function csrAsking(
  sans: { type: 'url' | 'dns'; value: string }[],
): Promise<{ pem: string; der: Buffer; spki: Buffer }> {
  const { keys } = await newKeys();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=asks for more',
    keys,
    signingAlgorithm: ALG,
    extensions: [new x509.SubjectAlternativeNameExtension(sans)],
  });
  return {
    pem: csr.toString('pem'),
    der: Buffer.from(csr.rawData),
    spki: Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey)),
  };
}

export function derToPem(label: string, der: Buffer): string {
  return toPem(
    label,
    der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer,
  );
}

/** Key usage flags of a certificate (node:crypto does not expose them). */
export function keyUsageOf(pem: string): { flags: number; critical: boolean } | undefined {
  const ext = new x509.X509Certificate(pem).getExtension(x509.KeyUsagesExtension);
  return ext === null ? undefined : { flags: ext.usages, critical: ext.critical };
}
export const KeyUsage = x509.KeyUsageFlags;

/**
 * A real mutual TLS handshake on 127.0.0.1: the server presents `server`, the client
 * `client`, each trusts `bundlePem`. Resolves with each side's verdict.
 */
export async function mtlsHandshake(
  server: { chainPem: string; keyPem: string },
  client: { chainPem: string; keyPem: string },
  bundlePem: string,
): Promise<{
  clientAuthorized: boolean;
  clientError?: string;
  serverSawPeer: boolean;
  serverError?: string;
}> {
  const noHostname = (): undefined => undefined;
  let serverSawPeer = false;
  let serverError: string | undefined;
  const tlsServer = tls.createServer(
    {
      cert: server.chainPem,
      key: server.keyPem,
      ca: bundlePem,
      requestCert: true,
      rejectUnauthorized: false,
    },
    (socket) => {
      serverSawPeer = socket.authorized;
      if (!socket.authorized) serverError = String(socket.authorizationError);
      socket.end('ok');
    },
  );
  tlsServer.listen(0, '127.0.0.1');
  await once(tlsServer, 'listening');
  const { port } = tlsServer.address() as AddressInfo;
  try {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      cert: client.chainPem,
      key: client.keyPem,
      ca: bundlePem,
      rejectUnauthorized: false,
      checkServerIdentity: noHostname,
    });
    socket.resume();
    socket.setTimeout(5000, () => socket.destroy(new Error('handshake timed out')));
    await once(socket, 'secureConnect');
    const clientAuthorized = socket.authorized;
    const clientError = socket.authorized ? undefined : String(socket.authorizationError);
    await once(socket, 'end');
    socket.destroy();
    return {
      clientAuthorized,
      ...(clientError === undefined ? {} : { clientError }),
      serverSawPeer,
      ...(serverError === undefined ? {} : { serverError }),
    };
  } finally {
    tlsServer.close();
  }
}
