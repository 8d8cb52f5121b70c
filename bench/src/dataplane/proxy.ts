// One simulated proxy: an ADS stream (SotW or Delta) that subscribes like Envoy
// (wildcard CDS and LDS, then EDS for its EDS clusters, RDS for the route configs
// its listeners name, SDS for referenced secrets), decodes every resource with the
// real protos, checks that every referenced cluster exists, and ACKs (SotW:
// version_info + response_nonce; Delta: response_nonce) or NACKs with error_detail.
// A stream that breaks is reported and reopened with backoff, resuming from the
// accepted state (SotW versions and names; Delta initial_resource_versions).
import { Metadata, type Client, type ClientDuplexStream } from '@grpc/grpc-js';
import {
  decodeAnyMsg,
  decodeDeltaResponse,
  decodeSotwResponse,
  encodeDeltaRequest,
  encodeSotwRequest,
  type DeltaResponse,
  type Msg,
  type SotwResponse,
} from './codec';
import { nodeMessage } from './node-message';
import { summarize, type ResourceSummary } from './references';
import { TypeState } from './type-state';
import { CDS, EDS, LDS, RDS, SDS } from './type-urls';
import { now, type AckEvent, type ProxyProblem, type SimulatedProxy } from './types';

const SERVICE = '/envoy.service.discovery.v3.AggregatedDiscoveryService';
const INVALID_ARGUMENT = 3;
const CANCELLED = 1;

export interface ProxyReporter {
  ack(event: AckEvent): void;
  problem(problem: ProxyProblem): void;
}

type Response = SotwResponse | DeltaResponse;

function identity(bytes: Buffer): Buffer {
  return bytes;
}

function setsEqual(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

export class SimulatedAdsProxy {
  /** Bytes of every response received, over all streams. */
  bytes = 0;
  private call: ClientDuplexStream<Buffer, Response> | undefined;
  private sentNode = false;
  private closing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retries = 0;
  private readonly types = new Map<string, TypeState>([
    [CDS, new TypeState(CDS, true)],
    [EDS, new TypeState(EDS, false)],
    [LDS, new TypeState(LDS, true)],
    [RDS, new TypeState(RDS, false)],
    [SDS, new TypeState(SDS, false)],
  ]);

  constructor(
    readonly spec: SimulatedProxy,
    private readonly reporter: ProxyReporter,
    /** The channel streams open on (the worker swaps it on reconnectAll). */
    public channel: Client,
  ) {}

  /** Last ACKed version per type URL (types never ACKed are left out). */
  versions(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [typeUrl, state] of this.types)
      if (state.version !== '') out[typeUrl] = state.version;
    return out;
  }

  /** Opens the stream and sends the initial (or resuming) requests. */
  open(): void {
    this.closing = false;
    clearTimeout(this.retryTimer);
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${this.spec.token}`);
    const delta = this.spec.protocol === 'delta';
    const call = this.channel.makeBidiStreamRequest<Buffer, Response>(
      `${SERVICE}/${delta ? 'DeltaAggregatedResources' : 'StreamAggregatedResources'}`,
      identity,
      delta ? decodeDeltaResponse : decodeSotwResponse,
      metadata,
    );
    this.call = call;
    this.sentNode = false;
    for (const state of this.types.values()) state.resetStream();
    call.on('data', (response: Response) => {
      this.retries = 0;
      this.onResponse(response);
    });
    call.on('error', () => undefined); // the status below says what happened
    call.on('status', (status: { code: number; details: string }) => {
      if (this.call !== call) return;
      this.call = undefined;
      if (this.closing && status.code === CANCELLED) return;
      this.problem('stream-error', `stream closed: code ${status.code} ${status.details}`);
      if (!this.closing) this.scheduleReopen();
    });
    // Envoy's order: clusters first, then listeners, then what they referenced before.
    this.request(this.state(CDS));
    this.request(this.state(LDS));
    for (const typeUrl of [EDS, RDS, SDS]) {
      const state = this.state(typeUrl);
      if (state.subscribed.size > 0) this.request(state);
    }
  }

  /** Cancels the stream on purpose (no problem reported, no reopening). */
  close(): void {
    this.closing = true;
    clearTimeout(this.retryTimer);
    this.call?.cancel();
    this.call = undefined;
  }

  private scheduleReopen(): void {
    this.retries += 1;
    const base = Math.min(5000, 250 * 2 ** Math.min(this.retries - 1, 5));
    this.retryTimer = setTimeout(() => this.open(), base / 2 + Math.random() * base);
  }

  private state(typeUrl: string): TypeState {
    const state = this.types.get(typeUrl);
    if (state === undefined) throw new Error(`unknown type ${typeUrl}`);
    return state;
  }

  private problem(kind: ProxyProblem['kind'], message: string, typeUrl?: string): void {
    this.reporter.problem({
      proxyId: this.spec.id,
      kind,
      ...(typeUrl === undefined ? {} : { typeUrl }),
      message,
      at: now(),
    });
  }

  private node(): Record<string, unknown> {
    if (this.sentNode) return {};
    this.sentNode = true;
    return { node: nodeMessage(this.spec) };
  }

  /** The first request of a type on this stream, or a change of its subscription. */
  private request(state: TypeState, previous?: ReadonlySet<string>): void {
    if (this.call === undefined) return;
    const first = !state.requested;
    state.requested = true;
    if (this.spec.protocol === 'sotw') {
      this.call.write(
        encodeSotwRequest({
          ...this.node(),
          version_info: state.version,
          resource_names: state.wildcard ? [] : [...state.subscribed],
          type_url: state.typeUrl,
          response_nonce: state.nonce,
        }),
      );
      return;
    }
    const subscribe = state.wildcard
      ? []
      : [...state.subscribed].filter((n) => first || previous === undefined || !previous.has(n));
    const unsubscribe =
      first || previous === undefined || state.wildcard
        ? []
        : [...previous].filter((n) => !state.subscribed.has(n));
    this.call.write(
      encodeDeltaRequest({
        ...this.node(),
        type_url: state.typeUrl,
        resource_names_subscribe: subscribe,
        resource_names_unsubscribe: unsubscribe,
        initial_resource_versions: first ? Object.fromEntries(state.resourceVersions) : {},
        response_nonce: '',
      }),
    );
  }

  private reply(state: TypeState, error?: string): void {
    if (this.call === undefined) return;
    const errorDetail =
      error === undefined ? {} : { error_detail: { code: INVALID_ARGUMENT, message: error } };
    if (this.spec.protocol === 'sotw')
      this.call.write(
        encodeSotwRequest({
          version_info: state.version,
          resource_names: state.wildcard ? [] : [...state.subscribed],
          type_url: state.typeUrl,
          response_nonce: state.nonce,
          ...errorDetail,
        }),
      );
    else
      this.call.write(
        encodeDeltaRequest({
          type_url: state.typeUrl,
          response_nonce: state.nonce,
          ...errorDetail,
        }),
      );
  }

  private onResponse(response: Response): void {
    this.bytes += response.bytes;
    const state = this.types.get(response.typeUrl);
    if (state === undefined) {
      this.problem('nack', `response of unknown type ${response.typeUrl}`);
      return;
    }
    state.nonce = response.nonce;
    let next: Map<string, ResourceSummary>;
    let nextVersions: Map<string, string> | undefined;
    try {
      if (response.kind === 'sotw') {
        next = new Map();
        for (const any of response.resources) {
          const summary = summarize(state.typeUrl, decodeAnyMsg(any));
          next.set(summary.name, summary);
        }
      } else {
        next = new Map(state.resources);
        nextVersions = new Map(state.resourceVersions);
        for (const name of response.removed) {
          next.delete(name);
          nextVersions.delete(name);
        }
        for (const resource of response.resources) {
          const summary = summarize(state.typeUrl, decodeAnyMsg(resource['resource'] as Msg));
          const name = typeof resource['name'] === 'string' ? resource['name'] : summary.name;
          next.set(name, summary);
          nextVersions.set(
            name,
            typeof resource['version'] === 'string' ? resource['version'] : '',
          );
        }
      }
    } catch (error) {
      const message = `cannot decode: ${error instanceof Error ? error.message : String(error)}`;
      this.problem('nack', message, state.typeUrl);
      this.reply(state, message);
      return;
    }
    const missing = this.missingReferences(state.typeUrl, next);
    if (missing.length > 0) {
      const message = `unknown clusters referenced: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (+${missing.length - 5})` : ''}`;
      this.problem('missing-reference', message, state.typeUrl);
      this.reply(state, message);
      return;
    }
    state.resources = next;
    if (nextVersions !== undefined) state.resourceVersions = nextVersions;
    state.version = response.version;
    if (state.typeUrl === CDS || state.typeUrl === LDS) this.followReferences();
    this.reply(state);
    this.reporter.ack({
      proxyId: this.spec.id,
      typeUrl: state.typeUrl,
      version: response.version,
      bytes: response.bytes,
      resources: response.resources.length,
      at: now(),
    });
  }

  /** Clusters that `resources` (of `typeUrl`) reference but CDS does not hold. */
  private missingReferences(typeUrl: string, resources: Map<string, ResourceSummary>): string[] {
    if (typeUrl !== CDS && typeUrl !== LDS && typeUrl !== RDS) return [];
    const clusters = typeUrl === CDS ? resources : this.state(CDS).resources;
    const missing = new Set<string>();
    for (const summary of resources.values())
      for (const cluster of summary.clusters) if (!clusters.has(cluster)) missing.add(cluster);
    return [...missing];
  }

  /** After CDS or LDS changed: subscribe EDS, RDS and SDS to what they now reference. */
  private followReferences(): void {
    const eds = new Set<string>();
    const rds = new Set<string>();
    const sds = new Set<string>();
    for (const cluster of this.state(CDS).resources.values()) {
      if (cluster.eds !== undefined) eds.add(cluster.eds);
      for (const s of cluster.secrets) sds.add(s);
    }
    for (const listener of this.state(LDS).resources.values()) {
      for (const r of listener.routeConfigs) rds.add(r);
      for (const s of listener.secrets) sds.add(s);
    }
    this.resubscribe(this.state(EDS), eds);
    this.resubscribe(this.state(RDS), rds);
    this.resubscribe(this.state(SDS), sds);
  }

  private resubscribe(state: TypeState, names: Set<string>): void {
    if (setsEqual(state.subscribed, names)) return;
    const previous = state.subscribed;
    state.subscribed = names;
    // Envoy drops what it no longer references.
    for (const name of state.resources.keys())
      if (!names.has(name)) {
        state.resources.delete(name);
        state.resourceVersions.delete(name);
      }
    if (names.size === 0 && !state.requested) return;
    this.request(state, state.requested ? previous : undefined);
  }
}
