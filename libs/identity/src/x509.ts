// The X.509 work of the CA, over @peculiar/x509 and WebCrypto: key generation and
// import, self-signed roots, leaf certificates, CSR parsing, SAN reading. The only
// file that imports reflect-metadata and @peculiar/x509.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createHash, createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';

// Node's webcrypto is the Crypto x509 wants; with the DOM lib (the console's tests
// compile this too) the DOM's Crypto type differs in Ed25519 overloads only.
x509.cryptoProvider.set(webcrypto as never);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
type SigningAlgorithm = webcrypto.Algorithm | webcrypto.EcdsaParams;

const subtle = webcrypto.subtle;
const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** A signing key usable by WebCrypto, and what it signs with. */
export interface SigningKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  signingAlgorithm: SigningAlgorithm;
}

export interface GeneratedKey {
  keys: CryptoKeyPair;
  privateKeyPem: string;
}

export interface CertificateInfo {
  pem: string;
  subject: string;
  /** sha256 of the DER, lowercase hex. */
  fingerprint256: string;
  notAfter: Date;
  isCa: boolean;
  selfSigned: boolean;
  subjectKeyId?: string;
}

function toPem(label: string, der: ArrayBuffer): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  // Positive and without a leading zero byte, so the DER integer keeps 16 bytes.
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return Buffer.from(bytes).toString('hex');
}

export async function generateP256(): Promise<GeneratedKey> {
  const keys = await subtle.generateKey(P256, true, ['sign', 'verify']);
  const der = await subtle.exportKey('pkcs8', keys.privateKey);
  return { keys, privateKeyPem: toPem('PRIVATE KEY', der) };
}

/**
 * Imports a PEM private key (PKCS#8, SEC1 or PKCS#1) for signing. ECDSA P-256/P-384
 * and RSA are accepted. Returns the key normalized to PKCS#8 PEM.
 */
export async function importSigningKey(
  privateKeyPem: string,
): Promise<SigningKey & { pkcs8Pem: string; spkiDer: Buffer }> {
  let keyObject;
  try {
    keyObject = createPrivateKey(privateKeyPem);
  } catch {
    throw new Error('the CA private key is not a readable PEM private key');
  }
  const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'der' });
  const spkiDer = createPublicKey(keyObject).export({ type: 'spki', format: 'der' });
  let importAlgorithm: webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams;
  let signingAlgorithm: SigningAlgorithm;
  if (keyObject.asymmetricKeyType === 'ec') {
    const curve = keyObject.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') {
      importAlgorithm = P256;
      signingAlgorithm = { name: 'ECDSA', hash: 'SHA-256' };
    } else if (curve === 'secp384r1') {
      importAlgorithm = { name: 'ECDSA', namedCurve: 'P-384' };
      signingAlgorithm = { name: 'ECDSA', hash: 'SHA-384' };
    } else {
      throw new Error(`the CA key's curve ${curve ?? 'unknown'} is not supported (P-256, P-384)`);
    }
  } else if (keyObject.asymmetricKeyType === 'rsa') {
    importAlgorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    signingAlgorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  } else {
    throw new Error(
      `the CA key type ${keyObject.asymmetricKeyType ?? 'unknown'} is not supported (ECDSA, RSA)`,
    );
  }
  const privateKey = await subtle.importKey('pkcs8', pkcs8, importAlgorithm, false, ['sign']);
  const publicKey = await subtle.importKey('spki', spkiDer, importAlgorithm, true, ['verify']);
  return {
    privateKey,
    publicKey,
    signingAlgorithm,
    pkcs8Pem: toPem(
      'PRIVATE KEY',
      pkcs8.buffer.slice(pkcs8.byteOffset, pkcs8.byteOffset + pkcs8.byteLength) as ArrayBuffer,
    ),
    spkiDer,
  };
}

/** Splits concatenated PEM certificates, in order. */
export function splitPemCertificates(pem: string): string[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (block) => `${block.trim()}\n`,
  );
}

export function describeCertificate(pem: string): CertificateInfo {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(pem);
  } catch {
    throw new Error('a CA certificate is not a readable PEM certificate');
  }
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
  const info: CertificateInfo = {
    pem: cert.toString('pem') + '\n',
    subject: cert.subject,
    fingerprint256: createHash('sha256').update(Buffer.from(cert.rawData)).digest('hex'),
    notAfter: cert.notAfter,
    isCa: basic?.ca === true,
    selfSigned: cert.subject === cert.issuer,
  };
  if (ski !== null) info.subjectKeyId = ski.keyId;
  return info;
}

/** The DER SubjectPublicKeyInfo of a PEM certificate. */
export function certificateSpki(pem: string): Buffer {
  return Buffer.from(new x509.X509Certificate(pem).publicKey.rawData);
}

/** True if `childPem`'s signature verifies with `issuerPem`'s key. */
export async function signedBy(childPem: string, issuerPem: string): Promise<boolean> {
  const child = new x509.X509Certificate(childPem);
  const issuer = new x509.X509Certificate(issuerPem);
  return child.verify({ publicKey: issuer.publicKey, signatureOnly: true });
}

export async function createRoot(options: {
  commonName: string;
  notBefore: Date;
  notAfter: Date;
}): Promise<{ certificatePem: string; privateKeyPem: string }> {
  const key = await generateP256();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ O: ['Crossway'] }, { CN: [options.commonName] }],
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    keys: key.keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(key.keys.publicKey),
    ],
  });
  return { certificatePem: cert.toString('pem') + '\n', privateKeyPem: key.privateKeyPem };
}

export interface LeafRequest {
  spiffeId: string;
  publicKey: CryptoKey | x509.PublicKey;
  notBefore: Date;
  notAfter: Date;
  serialNumber: string;
  issuerPem: string;
  signer: SigningKey;
}

export async function createLeaf(request: LeafRequest): Promise<string> {
  const issuer = new x509.X509Certificate(request.issuerPem);
  const issuerSki = issuer.getExtension(x509.SubjectKeyIdentifierExtension);
  const aki =
    issuerSki !== null
      ? new x509.AuthorityKeyIdentifierExtension(issuerSki.keyId)
      : await x509.AuthorityKeyIdentifierExtension.create(issuer.publicKey);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: request.serialNumber,
    subject: [{ O: ['Crossway'] }],
    issuer: issuer.subject,
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    publicKey: request.publicKey,
    signingKey: request.signer.privateKey,
    signingAlgorithm: request.signer.signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension(
        [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
        false,
      ),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: request.spiffeId }], false),
      await x509.SubjectKeyIdentifierExtension.create(request.publicKey),
      aki,
    ],
  });
  return cert.toString('pem') + '\n';
}

/** Parses a PKCS#10 CSR and checks its signature; returns its public key. */
export async function verifiedCsrPublicKey(csrPem: string): Promise<x509.PublicKey> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch {
    throw new Error('the CSR is not a readable PEM PKCS#10 certificate request');
  }
  let valid = false;
  try {
    valid = await csr.verify();
  } catch {
    valid = false;
  }
  if (!valid) throw new Error('the CSR signature does not verify');
  return csr.publicKey;
}

/** Every URI SAN of a PEM certificate. */
export function uriSansOf(certificatePem: string): string[] {
  const cert = new x509.X509Certificate(splitPemCertificates(certificatePem)[0] ?? certificatePem);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  if (san === null) return [];
  return san.names.items.filter((name) => name.type === 'url').map((name) => name.value);
}
