// What one data plane may ask of the control plane (issue 9, xDS abuse): requests are
// measured against a token bucket per stream (shared by the node's streams on one
// connection, see below), and one request may name a bounded
// number of resources. Envoy and grpc-js-xds send a handful of requests per pushed
// round (one subscription per type, one ACK per response), so the defaults are far
// above any honest data plane and only stop a broken or hostile one.
//
// Decisions:
// - Over the limit, the stream is ENDED with RESOURCE_EXHAUSTED, not thinned out.
//   Dropping a request would silently desynchronise the stream's protocol state (a
//   lost ACK keeps a response pending, a lost subscription change is never served,
//   and Delta requests are deltas that cannot be coalesced without replaying them in
//   order); ending it makes the client reconnect and resend its whole state, through
//   its own reconnect back-off. The burst is the tolerance for short excess.
// - A request costs one token, plus one per NAMES_PER_TOKEN resource names and one per
//   BYTES_PER_TOKEN bytes it carries: what a request costs the control plane (decoding,
//   hashing its node, walking its names) grows with both, so the work one stream can
//   cause per second is bounded, not only its request count. Measured: decoding and
//   handling 100,000 names takes 0.1-0.5 s of CPU, so such a request costs 113 tokens
//   (a second of refill). An ACK without names costs 1; a SotW ACK repeating 10,000 EDS
//   names costs 12, so an honest edge ACKing every round of a busy store (rounds are
//   debounced: a few per second at most) stays inside the rate. Bigger SotW clients
//   should speak Delta, whose ACKs carry no names.
// - The stream is ended only once its bucket would be full again (2 s by default),
//   and is not read meanwhile (HTTP/2 flow control holds the client's writes): a client
//   that reconnects at once otherwise turns a request flood into a stream flood
//   (measured: 54 streams/s opened and refused, which cost more than the requests).
// - The bucket belongs to the node on its connection (peer address + node.id), not to
//   the stream: a client that is cut off and opens a new stream on the same connection
//   at once gets no fresh burst (measured: with a bucket per stream, a flood that
//   reconnected at once had 97% of its requests handled). Other nodes multiplexed on
//   the same connection (grpc-js shares connections between channels) have their own.
// - Oversized messages never reach a stream: gRPC refuses them against
//   grpc.max_receive_message_length (maxRequestBytes, ads-server.ts) before they are
//   decoded, so no token is verified for them.

export interface RequestLimits {
  /** Sustained DiscoveryRequests per second per node and connection (the bucket's refill rate). */
  requestsPerSecond: number;
  /** Requests a node may send at once beyond the rate (the bucket's size). */
  burst: number;
  /**
   * Resource names one request may carry: SotW resource_names; Delta
   * resource_names_subscribe + resource_names_unsubscribe + initial_resource_versions.
   */
  maxResourceNames: number;
}

export const DEFAULT_REQUEST_LIMITS: Readonly<RequestLimits> = {
  requestsPerSecond: 100,
  burst: 200,
  maxResourceNames: 100_000,
};

/** A request costs one more token per this many resource names it carries... */
export const NAMES_PER_TOKEN = 1_000;
/** ... and one more per this many bytes. */
export const BYTES_PER_TOKEN = 64 * 1024;

/** The tokens a request naming `names` resources in `bytes` bytes costs. */
export function requestCost(request: { nameCount: number; byteLength: number }): number {
  return (
    1 +
    Math.floor(request.nameCount / NAMES_PER_TOKEN) +
    Math.floor(request.byteLength / BYTES_PER_TOKEN)
  );
}

/**
 * A token bucket: `burst` tokens at first, refilled at `ratePerSecond`. Two numbers per
 * stream (memory per stream matters at 5,000 proxies).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Ms until the bucket is full again (0 when it is). */
  msUntilFull(): number {
    this.refill();
    return ((this.burst - this.tokens) / this.ratePerSecond) * 1000;
  }

  /** Takes `cost` tokens (at most the bucket's size) if there are enough; false otherwise. */
  take(cost: number): boolean {
    this.refill();
    const due = Math.min(cost, this.burst);
    if (this.tokens < due) return false;
    this.tokens -= due;
    return true;
  }

  /** Adds what the rate has earned since the last look, up to the bucket's size. */
  private refill(): void {
    const at = this.now();
    this.tokens = Math.min(
      this.burst,
      this.tokens + ((at - this.last) * this.ratePerSecond) / 1000,
    );
    this.last = at;
  }
}

interface SharedBucket {
  bucket: TokenBucket;
  streams: number;
  forget: NodeJS.Timeout | undefined;
}

/**
 * The token buckets of the nodes on their connections. A bucket is kept while a stream
 * uses it, and after its last stream ends until it would be full again (then it knows
 * nothing a new bucket would not).
 */
export class NodeBuckets {
  private readonly buckets = new Map<string, SharedBucket>();

  constructor(private readonly limits: RequestLimits) {}

  /** The bucket of `node` on `peer`'s connection; release() it when the stream ends. */
  acquire(peer: string, node: unknown): { bucket: TokenBucket; release(): void } {
    const key = `${peer}\u0000${nodeId(node)}`;
    let shared = this.buckets.get(key);
    if (shared === undefined) {
      shared = {
        bucket: new TokenBucket(this.limits.requestsPerSecond, this.limits.burst),
        streams: 0,
        forget: undefined,
      };
      this.buckets.set(key, shared);
    }
    clearTimeout(shared.forget);
    shared.forget = undefined;
    shared.streams += 1;
    const held = shared;
    let released = false;
    return {
      bucket: held.bucket,
      release: () => {
        if (released) return;
        released = true;
        held.streams -= 1;
        if (held.streams > 0) return;
        const refillMs = (this.limits.burst / this.limits.requestsPerSecond) * 1000;
        held.forget = setTimeout(() => {
          if (held.streams === 0 && this.buckets.get(key) === held) this.buckets.delete(key);
        }, refillMs);
        held.forget.unref();
      },
    };
  }

  /** Buckets kept (tests). */
  get size(): number {
    return this.buckets.size;
  }
}

function nodeId(node: unknown): string {
  const id: unknown =
    typeof node === 'object' && node !== null ? Reflect.get(node, 'id') : undefined;
  return typeof id === 'string' ? id : '';
}

/** Counts what the limits did and who was authenticated (metrics.ts implements it). */
export interface AdsGuardEvents {
  /** A request passed the limits and was handled by its stream. */
  accepted(stream: 'sotw' | 'delta'): void;
  /**
   * A request was refused (its stream ended): over the rate ("rate"), naming too many
   * resources ("names"), or one too many while the stream's token is checked ("queue").
   */
  limited(stream: 'sotw' | 'delta', reason: 'rate' | 'names' | 'queue'): void;
  /** A stream's token and node were checked: "ok", or the refusal's code, or "error". */
  authenticated(result: string): void;
}

export const NO_GUARD_EVENTS: AdsGuardEvents = {
  accepted: () => undefined,
  limited: () => undefined,
  authenticated: () => undefined,
};
