// What a simulated proxy holds for one resource type: the accepted resources
// (their references only, not the decoded messages), the last ACKed version, the
// last nonce seen on the current stream and the names it subscribes to.
import type { ResourceSummary } from './references';

export class TypeState {
  /** Accepted resources by name. */
  resources = new Map<string, ResourceSummary>();
  /** Delta: accepted resource versions by name (for initial_resource_versions). */
  resourceVersions = new Map<string, string>();
  /** Last ACKed version ('' before the first ACK). */
  version = '';
  /** Last response nonce on the current stream. */
  nonce = '';
  /** Whether a request for this type went out on the current stream. */
  requested = false;

  constructor(
    readonly typeUrl: string,
    /** Wildcard types (CDS, LDS) subscribe to everything; the others by name. */
    readonly wildcard: boolean,
    /** Names subscribed to (unused for wildcard types). */
    public subscribed: Set<string> = new Set(),
  ) {}

  /** A new stream: nothing requested and no nonce yet; the accepted state stays. */
  resetStream(): void {
    this.nonce = '';
    this.requested = false;
  }
}
