// One ADS stream, whatever its protocol: authenticates the first request, refuses a
// later change of node, watches the node's snapshots and pushes what the protocol
// says is due. Pushes are latest-wins: while a push waits for the stream to drain,
// newer snapshots only replace the pending one, so a slow client never blocks other
// streams nor makes this one buffer without bound.
// With change tracing, the PushDelivery of each snapshot is done once that snapshot's
// responses are written, or at once when a newer snapshot replaces it unsent.
// Memory per stream is kept small (issue 8): the child logger is made only when a
// line is logged, the node is remembered by a digest, and subscribed names are the
// snapshot's own strings (ProtocolContext.intern).
// Every request, before anything else (authentication included), is measured against
// the stream's RequestLimits (request-limits.ts): over the rate the stream ends with
// RESOURCE_EXHAUSTED, and a request naming too many resources with INVALID_ARGUMENT.
import { status, type ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type {
  AuthResult,
  DataPlaneAuthenticator,
  ProxyEvents,
  ProxyNode,
  ProxySnapshot,
  PushDelivery,
  SnapshotSource,
  XdsStreamKind,
} from '../contracts';
import { epochNow } from '../snapshots/change-rounds';
import { stableNodeKey } from './node-key';
import type { ProtocolContext, StreamProtocol } from './protocol';
import {
  requestCost,
  type AdsGuardEvents,
  type NodeBuckets,
  type RequestLimits,
  type TokenBucket,
} from './request-limits';
import { KNOWN_TYPES } from './resource-selection';

export interface StreamDependencies {
  source: SnapshotSource;
  auth: DataPlaneAuthenticator;
  events: ProxyEvents;
  logger: Logger;
  limits: RequestLimits;
  /** Token buckets per node and connection, shared by the server's streams. */
  buckets: NodeBuckets;
  guard: AdsGuardEvents;
}

/** Where a stream kind's requests carry resource names (for the error naming the field). */
const NAME_FIELDS: Record<XdsStreamKind, string> = {
  sotw: 'resource_names',
  delta: 'resource_names_subscribe + resource_names_unsubscribe + initial_resource_versions',
};

/** Requests held while the first one is being authenticated (one per type is normal). */
const MAX_QUEUED_BEFORE_AUTH = 64;

type Phase = 'new' | 'authenticating' | 'active' | 'closed';

const AUTH_CODES: Record<Exclude<AuthResult, { ok: true }>['code'], status> = {
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
};

interface NodeCarrier {
  node: unknown;
  nameCount: number;
  byteLength: number;
}

export class StreamSession<Request extends NodeCarrier> {
  private phase: Phase = 'new';
  private readonly queued: Request[] = [];
  private node: ProxyNode | undefined;
  private nodeKey = '';
  private protocol: StreamProtocol<Request> | undefined;
  private watch: { close(): void } | undefined;
  private snapshot: ProxySnapshot | undefined;
  /** Change tracing: the delivery of `snapshot` not pushed yet, and the one being written. */
  private delivery: PushDelivery | undefined;
  private writing: PushDelivery | undefined;
  private dirty = false;
  private pushing = false;
  private nonces = 0;
  private readonly peer: string;
  /** Taken at the first request (the node it names); released when the stream ends. */
  private bucket: { bucket: TokenBucket; release(): void } | undefined;
  private unknownTypeLogged = false;

  constructor(
    private readonly call: ServerDuplexStream<Request, Uint8Array>,
    private readonly kind: XdsStreamKind,
    private readonly makeProtocol: (context: ProtocolContext) => StreamProtocol<Request>,
    private readonly deps: StreamDependencies,
    private readonly onClosed: () => void,
  ) {
    this.peer = call.getPeer();
    call.on('data', (request: Request) => this.receive(request));
    call.on('end', () => this.finish('client closed the stream'));
    call.on('cancelled', () => this.finish('stream cancelled'));
    call.on('close', () => this.finish('stream closed'));
    call.on('error', (error: Error) => this.finish(`stream error: ${error.message}`));
  }

  /** Ends the stream (server shutdown): UNAVAILABLE, so the client reconnects elsewhere. */
  shutdown(): void {
    this.fail(status.UNAVAILABLE, 'control plane shutting down');
  }

  private receive(request: Request): void {
    if (this.phase === 'closed' || !this.withinLimits(request)) return;
    this.deps.guard.accepted(this.kind);
    if (this.phase === 'authenticating') {
      if (this.queued.length >= MAX_QUEUED_BEFORE_AUTH) {
        this.deps.guard.limited(this.kind, 'queue');
        this.fail(status.RESOURCE_EXHAUSTED, 'too many requests before authentication');
      } else this.queued.push(request);
      return;
    }
    if (this.phase === 'new') {
      this.phase = 'authenticating';
      void this.authenticate(request);
      return;
    }
    this.process(request);
  }

  /** False (and the stream ended) when `request` breaks the stream's RequestLimits. */
  private withinLimits(request: Request): boolean {
    const { limits, guard } = this.deps;
    if (request.nameCount > limits.maxResourceNames) {
      guard.limited(this.kind, 'names');
      this.log.warn({ names: request.nameCount }, 'xDS request names too many resources');
      this.fail(
        status.INVALID_ARGUMENT,
        `${NAME_FIELDS[this.kind]}: a request may name at most ${limits.maxResourceNames} ` +
          `resources, this one names ${request.nameCount}`,
      );
      return false;
    }
    this.bucket ??= this.deps.buckets.acquire(this.peer, request.node);
    if (!this.bucket.bucket.take(requestCost(request))) {
      guard.limited(this.kind, 'rate');
      this.log.warn('xDS stream over its request rate: ended');
      // Not read any more, and ended once the bucket is full again (request-limits.ts).
      const wait = this.bucket.bucket.msUntilFull();
      this.call.pause();
      this.finish('over its request rate');
      const end = setTimeout(
        () =>
          this.call.emit('error', {
            code: status.RESOURCE_EXHAUSTED,
            details:
              `more than ${limits.requestsPerSecond} requests/s (burst ${limits.burst}) on ` +
              'one stream: the stream is ended; reconnect and send fewer requests',
          }),
        wait,
      );
      end.unref();
      return false;
    }
    return true;
  }

  private async authenticate(first: Request): Promise<void> {
    let result: AuthResult;
    try {
      result = await this.deps.auth.authenticate(first.node, this.call.metadata);
    } catch (error) {
      this.deps.guard.authenticated('error');
      this.log.error({ err: error }, 'authenticating an xDS stream failed');
      this.fail(status.INTERNAL, 'authentication failed');
      return;
    }
    this.deps.guard.authenticated(result.ok ? 'ok' : result.code);
    if (this.phase === 'closed') return;
    if (!result.ok) {
      this.log.warn({ code: result.code, reason: result.message }, 'xDS stream refused');
      this.fail(AUTH_CODES[result.code], result.message);
      return;
    }
    const node = result.node;
    this.node = node;
    this.nodeKey = stableNodeKey(first.node);
    this.protocol = this.makeProtocol({
      node,
      events: this.deps.events,
      nextNonce: () => String(++this.nonces),
      intern: (typeUrl, name) => this.snapshot?.types.get(typeUrl)?.entries.get(name)?.name ?? name,
    });
    this.phase = 'active';
    this.guard(() => this.deps.events.connected(node, this.kind));
    this.log.info('xDS stream connected');
    this.process(first);
    for (const request of this.queued.splice(0)) this.process(request);
    if (this.phase !== 'active') return;
    try {
      this.watch = this.deps.source.watch(node, (snapshot, delivery) => {
        this.delivery?.done();
        this.delivery = delivery;
        this.snapshot = snapshot;
        this.dirty = true;
        void this.push();
      });
    } catch (error) {
      this.log.error({ err: error }, 'watching the snapshots of a node failed');
      this.fail(status.INTERNAL, 'no configuration for this node');
    }
  }

  private process(request: Request): void {
    if (this.phase !== 'active' || this.protocol === undefined) return;
    if (request.node !== undefined && stableNodeKey(request.node) !== this.nodeKey) {
      this.fail(status.PERMISSION_DENIED, 'a stream speaks for one node: the node changed');
      return;
    }
    const typeUrl = this.protocol.typeUrlOf(request);
    if (!KNOWN_TYPES.has(typeUrl)) {
      // Once per stream: a client repeating them must not turn into a log flood.
      if (!this.unknownTypeLogged)
        this.log.warn({ typeUrl }, 'request for an unknown resource type ignored (logged once)');
      this.unknownTypeLogged = true;
      return;
    }
    if (this.protocol.handle(request) && this.snapshot !== undefined) {
      this.dirty = true;
      void this.push();
    }
  }

  private async push(): Promise<void> {
    if (this.pushing) return;
    this.pushing = true;
    try {
      while (this.dirty && this.phase === 'active') {
        this.dirty = false;
        const snapshot = this.snapshot;
        if (snapshot === undefined || this.protocol === undefined || this.node === undefined) break;
        const node = this.node;
        this.writing = this.delivery;
        this.delivery = undefined;
        let written: Promise<void> | undefined;
        for (const response of this.protocol.responses(snapshot)) {
          if (this.phase !== 'active') break;
          written = this.write(response.bytes);
          this.guard(() =>
            this.deps.events.sent(node, {
              typeUrl: response.typeUrl,
              version: response.version,
              bytes: response.bytes.byteLength,
              changeSeenAt: response.changeSeenAt,
            }),
          );
        }
        // One round in flight at most: newer snapshots wait here, and only the latest goes.
        if (written) await written;
        const writing = this.writing;
        this.writing = undefined;
        writing?.done(written === undefined ? undefined : epochNow());
      }
    } catch (error) {
      this.log.error({ err: error }, 'pushing xDS resources failed');
      this.fail(status.INTERNAL, 'pushing resources failed');
    } finally {
      this.pushing = false;
    }
  }

  /** Resolves once the message has left for the network (or the stream is gone). */
  private write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.call.off('close', done);
        resolve();
      };
      this.call.once('close', done);
      this.call.write(bytes, done);
    });
  }

  private fail(code: status, details: string): void {
    if (this.phase === 'closed') return;
    this.finish(details);
    this.call.emit('error', { code, details });
  }

  private finish(reason: string): void {
    if (this.phase === 'closed') return;
    const wasActive = this.phase === 'active';
    this.phase = 'closed';
    this.watch?.close();
    this.watch = undefined;
    this.delivery?.done();
    this.writing?.done();
    this.delivery = undefined;
    this.writing = undefined;
    this.queued.length = 0;
    this.bucket?.release();
    const node = this.node;
    if (wasActive && node !== undefined) {
      this.guard(() => this.deps.events.disconnected(node));
      this.log.info({ reason }, 'xDS stream disconnected');
    }
    if (reason === 'client closed the stream') this.call.end();
    this.onClosed();
  }

  /** The stream's logger, made when a line is logged (rare) rather than kept per stream. */
  private get log(): Logger {
    const bindings: Record<string, string> = { stream: this.kind, peer: this.peer };
    if (this.node !== undefined) {
      bindings['node'] = this.node.id;
      bindings['role'] = this.node.role;
    }
    return this.deps.logger.child(bindings);
  }

  /** Event consumers must not be able to break a stream. */
  private guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.log.error({ err: error }, 'a proxy event consumer failed');
    }
  }
}
