// The seam between the identity layer and the snapshots: what a group build asks
// for (its certificate and the trust bundle, as Envoy Secret resources) and what
// tells the snapshot source to rebuild (a certificate issued or renewed, the trust
// bundle changed).
import type { JsonObject } from '@crossway/protos';

export interface IdentityChange {
  /** The trust bundle changed: every group serving crossway-roots is rebuilt. */
  roots: boolean;
  /** SPIFFE IDs whose certificate was issued or renewed. */
  identities: ReadonlySet<string>;
}

export interface IdentitySecretSource {
  /**
   * The `crossway-identity` Secret of `spiffeId`, or undefined while its first
   * certificate is being issued (an onChange naming it follows). A certificate that is
   * due (half-life reached, CA or TTL changed) is still returned while its successor
   * is issued.
   */
  certificateSecret(spiffeId: string, ttlMs: number): JsonObject | undefined;
  /** The `crossway-roots` Secret: the current trust bundle. */
  rootsSecret(): JsonObject;
  onChange(listener: (change: IdentityChange) => void): () => void;
}
