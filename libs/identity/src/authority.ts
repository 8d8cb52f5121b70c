// The certificate authority itself: a stored authority opened with the encryption key
// signs leaf certificates (fresh keys or CSRs) and answers the trust bundle. Also
// builds the stored form of a new root or of an operator-provided root/intermediate.
import { createHash, randomBytes } from 'node:crypto';
import type { StoredAuthority } from './authority-store';
import { sealKey, unsealKey } from './key-sealing';
import { checkSpiffeId } from './spiffe';
import type { CertificateAuthority, IssuedCertificate, TrustBundle } from './types';
import {
  certificateSpki,
  createLeaf,
  createRoot,
  describeCertificate,
  generateP256,
  importSigningKey,
  randomSerial,
  signedBy,
  splitPemCertificates,
  verifiedCsrPublicKey,
  type CertificateInfo,
  type SigningKey,
} from './x509';

const SKEW_MS = 60_000;
const ROOT_LIFETIME_MS = 10 * 365 * 24 * 3600_000;

interface TrustedRoot {
  info: CertificateInfo;
  /** Undefined for the current root. */
  trustedUntil?: Date;
}

function checkTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new Error(`certificate TTL must be a positive number of milliseconds (got ${ttlMs})`);
  }
}

class Authority implements CertificateAuthority {
  readonly signerFingerprint: string;
  private readonly signerPem: string;
  private readonly signerNotAfter: Date;
  /** What a leaf carries after itself: the signer and its issuers below the root. */
  private readonly intermediatesPem: string;

  constructor(
    chain: readonly string[],
    private readonly signer: SigningKey,
    private readonly roots: readonly TrustedRoot[],
    private readonly now: () => Date,
  ) {
    const signerPem = chain[0];
    if (signerPem === undefined) throw new Error('the CA certificate chain is empty');
    const signerInfo = describeCertificate(signerPem);
    this.signerPem = signerPem;
    this.signerFingerprint = signerInfo.fingerprint256;
    this.signerNotAfter = signerInfo.notAfter;
    this.intermediatesPem = chain.slice(0, -1).join('');
  }

  private validity(ttlMs: number, now: Date): { notBefore: Date; notAfter: Date } {
    checkTtl(ttlMs);
    const notAfter = Math.min(now.getTime() + ttlMs, this.signerNotAfter.getTime());
    return { notBefore: new Date(now.getTime() - SKEW_MS), notAfter: new Date(notAfter) };
  }

  private async sign(
    spiffeId: string,
    publicKey: Parameters<typeof createLeaf>[0]['publicKey'],
    ttlMs: number,
    now: Date,
  ): Promise<IssuedCertificate> {
    checkSpiffeId(spiffeId);
    const { notBefore, notAfter } = this.validity(ttlMs, now);
    const serialNumber = randomSerial();
    const leafPem = await createLeaf({
      spiffeId,
      publicKey,
      notBefore,
      notAfter,
      serialNumber,
      issuerPem: this.signerPem,
      signer: this.signer,
    });
    return {
      spiffeId,
      certificateChainPem: leafPem + this.intermediatesPem,
      notBefore,
      notAfter,
      serialNumber,
    };
  }

  async issue(
    spiffeId: string,
    ttlMs: number,
    now: Date = this.now(),
  ): Promise<IssuedCertificate & { privateKeyPem: string }> {
    checkSpiffeId(spiffeId);
    checkTtl(ttlMs);
    const key = await generateP256();
    const issued = await this.sign(spiffeId, key.keys.publicKey, ttlMs, now);
    return { ...issued, privateKeyPem: key.privateKeyPem };
  }

  async signCsr(
    csrPem: string,
    spiffeId: string,
    ttlMs: number,
    now: Date = this.now(),
  ): Promise<IssuedCertificate> {
    checkSpiffeId(spiffeId);
    checkTtl(ttlMs);
    const publicKey = await verifiedCsrPublicKey(csrPem);
    return this.sign(spiffeId, publicKey, ttlMs, now);
  }

  trustBundle(now: Date = this.now()): TrustBundle {
    const seen = new Set<string>();
    const trusted = this.roots.filter((root) => {
      if (root.trustedUntil !== undefined && root.trustedUntil.getTime() <= now.getTime()) {
        return false;
      }
      if (seen.has(root.info.fingerprint256)) return false;
      seen.add(root.info.fingerprint256);
      return true;
    });
    const pem = trusted.map((root) => root.info.pem).join('');
    return {
      pem,
      version: createHash('sha256').update(pem).digest('hex'),
      roots: trusted.map(({ info }) => ({
        subject: info.subject,
        fingerprint256: info.fingerprint256,
        notAfter: info.notAfter,
      })),
    };
  }
}

/** The top-most certificate of a chain (signer first): the root the bundle trusts. */
export function topOfChain(certificateChainPem: string): string {
  const chain = splitPemCertificates(certificateChainPem);
  const top = chain.at(-1);
  if (top === undefined) throw new Error('the CA certificate chain holds no PEM certificate');
  return top;
}

/** Opens a stored authority with the encryption key. */
export async function openAuthority(
  stored: StoredAuthority,
  encryptionKey: Buffer,
  now: () => Date,
): Promise<CertificateAuthority> {
  const chain = splitPemCertificates(stored.current.certificateChainPem);
  const signerPem = chain[0];
  if (signerPem === undefined) throw new Error('the stored CA certificate chain is empty');
  const signer = await importSigningKey(unsealKey(stored.current.sealedKey, encryptionKey));
  if (!signer.spkiDer.equals(certificateSpki(signerPem))) {
    throw new Error('the stored CA key does not match the stored CA certificate');
  }
  const roots: TrustedRoot[] = [{ info: describeCertificate(chain.at(-1) ?? signerPem) }];
  for (const entry of stored.retiring) {
    roots.push({
      info: describeCertificate(entry.certificatePem),
      trustedUntil: new Date(entry.trustedUntil),
    });
  }
  return new Authority(chain, signer, roots, now);
}

/** The stored form of a fresh self-signed root (ECDSA P-256, 10 years). */
export async function newRootAuthority(
  encryptionKey: Buffer,
  now: Date,
): Promise<StoredAuthority['current']> {
  const root = await createRoot({
    commonName: `Crossway Root CA ${randomBytes(4).toString('hex')}`,
    notBefore: new Date(now.getTime() - SKEW_MS),
    notAfter: new Date(now.getTime() + ROOT_LIFETIME_MS),
  });
  return {
    certificateChainPem: root.certificatePem,
    sealedKey: sealKey(root.privateKeyPem, encryptionKey),
  };
}

/**
 * Checks an operator-provided CA (chain: signer first, then its issuers) and returns
 * its stored form: the signer must be a CA, unexpired, matching the key, and each
 * certificate must be signed by the next.
 */
export async function providedAuthority(
  provided: { certificateChainPem: string; privateKeyPem: string },
  encryptionKey: Buffer,
  now: Date,
): Promise<StoredAuthority['current']> {
  const chain = splitPemCertificates(provided.certificateChainPem);
  const signerPem = chain[0];
  if (signerPem === undefined) {
    throw new Error('the provided CA certificate chain holds no PEM certificate');
  }
  const infos = chain.map((pem) => describeCertificate(pem));
  infos.forEach((info, index) => {
    if (!info.isCa) {
      throw new Error(
        `the provided CA certificate ${index === 0 ? '(the signer)' : `#${index + 1} of the chain`} "${info.subject}" is not a CA (basicConstraints CA:TRUE missing)`,
      );
    }
    if (info.notAfter.getTime() <= now.getTime()) {
      throw new Error(`the provided CA certificate "${info.subject}" has expired`);
    }
  });
  for (let index = 0; index + 1 < chain.length; index += 1) {
    const child = chain[index] ?? '';
    const issuer = chain[index + 1] ?? '';
    if (!(await signedBy(child, issuer))) {
      throw new Error(
        `the provided CA chain is out of order: certificate #${index + 1} is not signed by #${index + 2} (give the signer first, then its issuers)`,
      );
    }
  }
  const signer = await importSigningKey(provided.privateKeyPem);
  if (!signer.spkiDer.equals(certificateSpki(signerPem))) {
    throw new Error(
      'the provided CA private key does not match the CA certificate (the first of the chain)',
    );
  }
  return {
    certificateChainPem: chain.join(''),
    sealedKey: sealKey(signer.pkcs8Pem, encryptionKey),
  };
}
