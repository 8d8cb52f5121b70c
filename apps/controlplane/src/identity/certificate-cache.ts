// The certificates this replica serves: one per SPIFFE ID, shared by every group of
// that identity. A certificate is (re)issued when none is held, at half-life, when
// the Mesh certTTL changed or when the CA signing it is no longer the current one;
// while its successor is issued the held one is still served. Issuance of one ID is
// never run twice at once; a failed issuance is retried after retryMs. Key material
// stays in memory and never reaches a log line.
import type { CertificateAuthority, IssuedCertificate } from '@crossway/identity';
import type { JsonObject } from '@crossway/protos';
import type { Logger } from 'pino';
import { identitySecretResource } from './secret-resources';

interface Held {
  ttlMs: number;
  /** signerFingerprint of the CA that issued it. */
  signer: string;
  certificate: IssuedCertificate;
  resource: JsonObject;
}

export interface CertificateCacheOptions {
  authority: () => CertificateAuthority;
  now: () => Date;
  logger: Logger;
  /** Called once a certificate of `spiffeId` was issued (first or renewed). */
  onIssued: (spiffeId: string) => void;
  retryMs?: number;
}

/** When a certificate is renewed: the middle of its validity. */
export function renewalTime(certificate: { notBefore: Date; notAfter: Date }): number {
  const from = certificate.notBefore.getTime();
  return from + (certificate.notAfter.getTime() - from) / 2;
}

export class CertificateCache {
  private readonly held = new Map<string, Held>();
  private readonly issuing = new Map<string, Promise<void>>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: CertificateCacheOptions) {}

  /** The held certificate's Secret (undefined: none yet, or expired); starts (re)issuing when due. */
  secret(spiffeId: string, ttlMs: number): JsonObject | undefined {
    const held = this.held.get(spiffeId);
    if (!held || this.due(held, ttlMs)) this.issue(spiffeId, ttlMs);
    if (!held || this.options.now().getTime() >= held.certificate.notAfter.getTime())
      return undefined;
    return held.resource;
  }

  /** Renews every held certificate in `inUse` that is due and forgets the others; resolves once issued. */
  async renew(inUse: ReadonlySet<string>): Promise<void> {
    for (const [spiffeId, held] of this.held) {
      if (!inUse.has(spiffeId)) this.forget(spiffeId);
      else if (this.due(held, held.ttlMs)) this.issue(spiffeId, held.ttlMs);
    }
    await this.settled();
  }

  /** Resolves when no issuance is running. */
  async settled(): Promise<void> {
    while (this.issuing.size > 0) await Promise.all([...this.issuing.values()]);
  }

  /** What is held, without key material. */
  list(): { spiffeId: string; serialNumber: string; notBefore: Date; notAfter: Date }[] {
    return [...this.held.entries()].map(([spiffeId, h]) => ({
      spiffeId,
      serialNumber: h.certificate.serialNumber,
      notBefore: h.certificate.notBefore,
      notAfter: h.certificate.notAfter,
    }));
  }

  close(): void {
    this.closed = true;
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
    this.held.clear();
  }

  private due(held: Held, ttlMs: number): boolean {
    return (
      held.ttlMs !== ttlMs ||
      held.signer !== this.options.authority().signerFingerprint ||
      this.options.now().getTime() >= renewalTime(held.certificate)
    );
  }

  private forget(spiffeId: string): void {
    this.held.delete(spiffeId);
    const retry = this.retries.get(spiffeId);
    if (retry) clearTimeout(retry);
    this.retries.delete(spiffeId);
  }

  private issue(spiffeId: string, ttlMs: number): void {
    if (this.closed || this.issuing.has(spiffeId) || this.retries.has(spiffeId)) return;
    const authority = this.options.authority();
    const log = this.options.logger;
    const run = authority
      .issue(spiffeId, ttlMs, this.options.now())
      .then((issued) => {
        if (this.closed) return;
        if (authority !== this.options.authority()) return 'again';
        const { privateKeyPem, ...certificate } = issued;
        this.held.set(spiffeId, {
          ttlMs,
          signer: authority.signerFingerprint,
          certificate,
          resource: identitySecretResource({
            certificateChainPem: certificate.certificateChainPem,
            privateKeyPem,
          }),
        });
        log.debug(
          {
            spiffeId,
            serialNumber: certificate.serialNumber,
            notAfter: certificate.notAfter.toISOString(),
            signer: authority.signerFingerprint,
          },
          'workload certificate issued',
        );
        this.options.onIssued(spiffeId);
        return 'done';
      })
      .catch((error: unknown) => {
        if (this.closed) return 'failed';
        log.error(
          { spiffeId, err: error instanceof Error ? error.message : String(error) },
          'issuing a workload certificate failed: retrying',
        );
        const timer = setTimeout(() => {
          this.retries.delete(spiffeId);
          this.issue(spiffeId, ttlMs);
        }, this.options.retryMs ?? 5000);
        timer.unref();
        this.retries.set(spiffeId, timer);
        return 'failed';
      })
      .then((outcome) => {
        this.issuing.delete(spiffeId);
        // The CA changed while this one was being signed: sign with the new one.
        if (outcome === 'again') this.issue(spiffeId, ttlMs);
      });
    this.issuing.set(spiffeId, run);
  }
}
