// The public types of @crossway/identity (see index.ts for the functions).
import type { Store } from '@crossway/store';

export interface IssuedCertificate {
  spiffeId: string;
  /** Leaf first, then any intermediates up to (not including) the root. PEM. */
  certificateChainPem: string;
  /** PKCS#8 PEM, ECDSA P-256. Absent when issued from a CSR. */
  privateKeyPem?: string;
  /** Backdated 1 minute for clock skew. */
  notBefore: Date;
  notAfter: Date;
  /** Hex. */
  serialNumber: string;
}

export interface TrustBundle {
  /** Every trusted root, PEM, concatenated: the current root first, then retiring ones. */
  pem: string;
  /** sha256 hex of pem: changes exactly when the set of roots changes. */
  version: string;
  roots: { subject: string; fingerprint256: string; notAfter: Date }[];
}

export interface CertificateAuthority {
  /** Signs with the current CA key. Safe to call concurrently, on any replica. */
  issue(
    spiffeId: string,
    ttlMs: number,
    now?: Date,
  ): Promise<IssuedCertificate & { privateKeyPem: string }>;
  /** Signs a PKCS#10 CSR (PEM) after checking its signature; the SAN is ALWAYS spiffeId, whatever the CSR asks. */
  signCsr(csrPem: string, spiffeId: string, ttlMs: number, now?: Date): Promise<IssuedCertificate>;
  trustBundle(now?: Date): TrustBundle;
  /** sha256 fingerprint (hex) of the signing certificate. */
  readonly signerFingerprint: string;
}

export interface AuthorityOptions {
  /** The authority lives in records area "ca", id "authority". */
  store: Store;
  /** 32 bytes; the CA private key is stored AES-256-GCM encrypted with it. */
  encryptionKey: Buffer;
  /** Operator-provided root or intermediate (used when the store has no authority yet). */
  provided?: { certificateChainPem: string; privateKeyPem: string };
  now?: () => Date;
}
