// Loading, creating and rotating the stored authority. Replicas are safe concurrently:
// creation is compare-and-create (the loser reads the winner's), rotation is
// compare-and-put (a replica that loses a rotation race gets the winner's rotation),
// and issuing only reads the stored key, so every replica may issue at any time.
import {
  AUTHORITY_ID,
  authorityRecords,
  readAuthority,
  type StoredAuthority,
} from './authority-store';
import { newRootAuthority, openAuthority, providedAuthority, topOfChain } from './authority';
import type { AuthorityOptions, CertificateAuthority } from './types';

const ATTEMPTS = 5;

function clock(options: AuthorityOptions): () => Date {
  return options.now ?? (() => new Date());
}

async function current(options: AuthorityOptions, now: Date): Promise<StoredAuthority['current']> {
  return options.provided === undefined
    ? newRootAuthority(options.encryptionKey, now)
    : providedAuthority(options.provided, options.encryptionKey, now);
}

/** Re-reads the stored authority (cheap change detection: compare signerFingerprint / trustBundle().version). */
export async function loadAuthority(
  options: AuthorityOptions,
): Promise<CertificateAuthority | undefined> {
  const stored = await readAuthority(options.store);
  return stored === undefined
    ? undefined
    : openAuthority(stored.value, options.encryptionKey, clock(options));
}

/** Reads the stored authority, or creates it (compare-and-create: with N replicas racing, all end with the same one). */
export async function loadOrCreateAuthority(
  options: AuthorityOptions,
): Promise<CertificateAuthority> {
  const now = clock(options);
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const existing = await loadAuthority(options);
    if (existing !== undefined) return existing;
    const record: StoredAuthority = {
      version: 1,
      current: await current(options, now()),
      retiring: [],
    };
    if (await authorityRecords(options.store).create(AUTHORITY_ID, record)) {
      return openAuthority(record, options.encryptionKey, now);
    }
    // Another replica created it first: the next read returns theirs.
  }
  throw new Error('the CA authority could not be created or read (it keeps changing)');
}

/**
 * New root (or the operator-provided CA in `provided`); the previous signer's root stays
 * in the trust bundle for overlapMs (>= the longest cert TTL). CAS-safe: when another
 * replica rotates at the same moment, its rotation stands and is returned.
 */
export async function rotateAuthority(
  options: AuthorityOptions & { overlapMs: number },
): Promise<CertificateAuthority> {
  if (!Number.isFinite(options.overlapMs) || options.overlapMs < 0) {
    throw new Error(`overlapMs must be a non-negative number (got ${options.overlapMs})`);
  }
  const now = clock(options);
  const stored = await readAuthority(options.store);
  if (stored === undefined) {
    throw new Error('there is no CA authority to rotate (loadOrCreateAuthority creates it)');
  }
  // Proves this replica holds the right encryption key before it replaces anything.
  const before = await openAuthority(stored.value, options.encryptionKey, now);
  const at = now();
  const next = await current(options, at);
  const nextAuthority = await openAuthority(
    { version: 1, current: next, retiring: [] },
    options.encryptionKey,
    now,
  );
  if (nextAuthority.signerFingerprint === before.signerFingerprint) {
    throw new Error('the provided CA is already the current signer: nothing to rotate to');
  }
  const retiring = stored.value.retiring.filter(
    (entry) => new Date(entry.trustedUntil).getTime() > at.getTime(),
  );
  retiring.push({
    certificatePem: topOfChain(stored.value.current.certificateChainPem),
    trustedUntil: new Date(at.getTime() + options.overlapMs).toISOString(),
  });
  const record: StoredAuthority = { version: 1, current: next, retiring };
  if (await authorityRecords(options.store).replace(AUTHORITY_ID, stored.version, record)) {
    return openAuthority(record, options.encryptionKey, now);
  }
  const winner = await loadAuthority(options);
  if (winner === undefined) throw new Error('the CA authority was deleted during rotation');
  return winner;
}
