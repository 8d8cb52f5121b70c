// The stored authority: records area "ca", record "authority", holding the signer's
// certificate chain with its private key sealed (never in the clear) and the roots
// still trusted after a rotation. Created with compare-and-create, rotated with
// compare-and-put, so replicas racing on it all end with the same one.
import type { RecordArea, Store, VersionedRecord } from '@crossway/store';

export const CA_AREA = 'ca';
export const AUTHORITY_ID = 'authority';

export interface StoredAuthority {
  version: 1;
  current: {
    /** The signer first, then its issuers up to the top-most (the trusted root). */
    certificateChainPem: string;
    /** The signer's PKCS#8 PEM key, sealed (key-sealing.ts). */
    sealedKey: string;
  };
  /** Previous roots, trusted until `trustedUntil` (RFC 3339). */
  retiring: { certificatePem: string; trustedUntil: string }[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function parseStoredAuthority(value: unknown): StoredAuthority {
  if (isRecord(value) && value['version'] === 1 && isRecord(value['current'])) {
    const { certificateChainPem, sealedKey } = value['current'];
    const retiring = value['retiring'];
    if (
      typeof certificateChainPem === 'string' &&
      typeof sealedKey === 'string' &&
      Array.isArray(retiring) &&
      retiring.every(
        (entry) =>
          isRecord(entry) &&
          typeof entry['certificatePem'] === 'string' &&
          typeof entry['trustedUntil'] === 'string',
      )
    ) {
      return {
        version: 1,
        current: { certificateChainPem, sealedKey },
        retiring: (retiring as Record<string, string>[]).map((entry) => ({
          certificatePem: entry['certificatePem'] ?? '',
          trustedUntil: entry['trustedUntil'] ?? '',
        })),
      };
    }
  }
  throw new Error('the stored CA authority record is not a version 1 authority');
}

export function authorityRecords(store: Store): RecordArea<StoredAuthority> {
  return store.records(CA_AREA, parseStoredAuthority);
}

export function readAuthority(store: Store): Promise<VersionedRecord<StoredAuthority> | undefined> {
  return authorityRecords(store).getVersioned(AUTHORITY_ID);
}
