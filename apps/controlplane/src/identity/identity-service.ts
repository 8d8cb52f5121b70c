// The mesh identity of one control-plane replica: the CA (loaded from the store, or
// created there on first start: compare-and-create, so replicas racing agree), the
// certificates it serves (certificate-cache.ts) and the trust bundle. Two timers:
// - every authorityPollMs the CA is re-read (another replica or a tool may rotate
//   it); when its signer or trust bundle changed, the new bundle is pushed to every
//   proxy at once, then every certificate in use is re-issued by the new signer;
// - every rotationCheckMs the certificates in use that reached half-life are renewed
//   (pushed as each is issued), and those no group uses any more are dropped.
import {
  loadAuthority,
  loadOrCreateAuthority,
  type AuthorityOptions,
  type CertificateAuthority,
  type TrustBundle,
} from '@crossway/identity';
import type { JsonObject } from '@crossway/protos';
import type { Store } from '@crossway/store';
import type { Logger } from 'pino';
import { CertificateCache } from './certificate-cache';
import type { IdentityChange, IdentitySecretSource } from './identity-source';
import { rootsSecretResource } from './secret-resources';

export interface IdentityServiceOptions {
  store: Store;
  /** 32 bytes: decrypts the CA key in the store (the same on every replica). */
  encryptionKey: Buffer;
  /** Operator-provided root or intermediate, used when the store holds no CA yet. */
  provided?: { certificateChainPem: string; privateKeyPem: string };
  /** The clock of certificates and renewals (tests). */
  now?: () => Date;
  logger: Logger;
  /** How often the CA is re-read from the store. Default 30 s. */
  authorityPollMs?: number;
  /** How often certificates are checked for renewal. Default 30 s. */
  rotationCheckMs?: number;
  /** The SPIFFE IDs the current groups serve (others' certificates are dropped). */
  inUse?: () => ReadonlySet<string>;
}

/** What a caller may see and trigger (ControlPlane.identity): no key material. */
export interface IdentityControl {
  /**
   * Renews now every certificate in use that reached half-life (or whose CA or TTL
   * changed); resolves once they are issued and handed to the snapshots.
   */
  checkRotation(): Promise<void>;
  /** Re-reads the CA now, as the poll does; resolves once a change is pushed and re-issued. */
  checkAuthority(): Promise<void>;
  /** The trust bundle served as crossway-roots. */
  trustBundle(): TrustBundle;
  /** The certificates held, without keys. */
  certificates(): { spiffeId: string; serialNumber: string; notBefore: Date; notAfter: Date }[];
}

export interface IdentityService extends IdentitySecretSource, IdentityControl {
  close(): void;
}

export async function startIdentityService(
  options: IdentityServiceOptions,
): Promise<IdentityService> {
  const now = options.now ?? (() => new Date());
  const log = options.logger.child({ component: 'identity' });
  const authorityOptions: AuthorityOptions = {
    store: options.store,
    encryptionKey: options.encryptionKey,
    now,
    ...(options.provided === undefined ? {} : { provided: options.provided }),
  };
  let authority: CertificateAuthority = await loadOrCreateAuthority(authorityOptions);
  let bundle = authority.trustBundle(now());
  let roots: JsonObject = rootsSecretResource(bundle.pem);
  log.info(
    {
      signer: authority.signerFingerprint,
      trustBundle: bundle.version,
      roots: bundle.roots.length,
    },
    'certificate authority loaded',
  );

  let closed = false;
  const listeners = new Set<(change: IdentityChange) => void>();
  const notify = (change: IdentityChange): void => {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch (error) {
        log.error({ err: error }, 'identity change listener failed');
      }
    }
  };
  const cache = new CertificateCache({
    authority: () => authority,
    now,
    logger: log,
    onIssued: (spiffeId) => notify({ roots: false, identities: new Set([spiffeId]) }),
  });
  const inUse = (): ReadonlySet<string> =>
    options.inUse?.() ?? new Set(cache.list().map((c) => c.spiffeId));

  // One check at a time, whichever timer or caller starts it.
  let chain: Promise<void> = Promise.resolve();
  const serialized = (task: () => Promise<void>): Promise<void> => {
    const run = chain.then(task, task);
    chain = run.catch(() => undefined);
    return run;
  };

  const rotation = async (): Promise<void> => {
    if (closed) return;
    const current = authority.trustBundle(now());
    if (current.version !== bundle.version) updateRoots(current); // a retired root aged out
    await cache.renew(inUse());
  };

  function updateRoots(next: TrustBundle): void {
    bundle = next;
    roots = rootsSecretResource(next.pem);
    log.info({ trustBundle: next.version, roots: next.roots.length }, 'trust bundle changed');
    notify({ roots: true, identities: new Set() });
  }

  const reread = async (): Promise<void> => {
    if (closed) return;
    const loaded = await loadAuthority(authorityOptions);
    if (closed) return;
    if (!loaded) {
      log.warn('the certificate authority is gone from the store: keeping the one in use');
      return;
    }
    const next = loaded.trustBundle(now());
    const signerChanged = loaded.signerFingerprint !== authority.signerFingerprint;
    if (!signerChanged && next.version === bundle.version) return;
    authority = loaded;
    if (signerChanged)
      log.info({ signer: loaded.signerFingerprint }, 'certificate authority changed: re-issuing');
    // The new bundle first, so peers trust the new signer before its certificates arrive.
    if (next.version !== bundle.version) updateRoots(next);
    await cache.renew(inUse());
  };

  const logFailure = (what: string) => (error: unknown) => {
    if (!closed) log.error({ err: error instanceof Error ? error.message : String(error) }, what);
  };
  const pollTimer = setInterval(
    () => void serialized(reread).catch(logFailure('re-reading the certificate authority failed')),
    options.authorityPollMs ?? 30_000,
  );
  const rotationTimer = setInterval(
    () => void serialized(rotation).catch(logFailure('renewing certificates failed')),
    options.rotationCheckMs ?? 30_000,
  );
  pollTimer.unref();
  rotationTimer.unref();

  return {
    certificateSecret: (spiffeId, ttlMs) => cache.secret(spiffeId, ttlMs),
    rootsSecret: () => roots,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    checkRotation: () => serialized(rotation),
    checkAuthority: () => serialized(reread),
    trustBundle: () => bundle,
    certificates: () => cache.list(),
    close() {
      closed = true;
      clearInterval(pollTimer);
      clearInterval(rotationTimer);
      listeners.clear();
      cache.close();
    },
  };
}
