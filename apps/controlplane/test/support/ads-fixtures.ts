// Test doubles around the ADS server built from real parts: snapshots translated
// from examples/shop.yaml by @crossway/xds and encoded with encodeAny, a SnapshotSource
// the test drives by hand, an authenticator keyed by token, and a recorder of
// ProxyEvents.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Metadata } from '@grpc/grpc-js';
import { validateObject, type ValidatedObject } from '@crossway/model';
import { resolvePolicy, type ResolvedPolicy } from '@crossway/policy';
import { encodeAny, type JsonObject } from '@crossway/protos';
import {
  buildEdgeIr,
  buildProxylessIr,
  buildSnapshot,
  ENVOY_TYPES,
  proxylessServerListener,
  referencedSecrets,
  RESOURCE_KIND_ORDER,
  translateEdge,
  type EnvoyResources,
} from '@crossway/xds';
import pino from 'pino';
import { parseAllDocuments } from 'yaml';
import { startAdsServer } from '../../src/ads';
import {
  TYPE_URLS,
  type AuthResult,
  type DataPlaneAuthenticator,
  type ProxyEvents,
  type ProxyNode,
  type ProxySnapshot,
  type SnapshotEntry,
  type SnapshotSource,
  type TypeSnapshot,
  type XdsStreamKind,
} from '../../src/contracts';

const SHOP = fileURLToPath(new URL('../../../../examples/shop.yaml', import.meta.url));

function loadShop(): ResolvedPolicy {
  const objects = parseAllDocuments(readFileSync(SHOP, 'utf8'))
    .map((doc): unknown => doc.toJS())
    .filter((raw) => raw !== null)
    .map((raw, i): ValidatedObject => {
      const result = validateObject(raw);
      if (!result.ok)
        throw new Error(`shop.yaml document ${i}: ${JSON.stringify(result.violations)}`);
      result.value.metadata.generation = 1;
      result.value.metadata.creationTimestamp = '2024-01-01T00:00:00Z';
      return result.value;
    });
  return resolvePolicy(objects);
}

let shop: ResolvedPolicy | undefined;
function resolvedShop(): ResolvedPolicy {
  shop ??= loadShop();
  return shop;
}

/** The edge resources of Gateway edge/public in examples/shop.yaml (a fresh copy each call). */
export function shopEdgeResources(): EnvoyResources {
  const ir = buildEdgeIr(resolvedShop(), 'edge/public');
  if (!ir) throw new Error('shop.yaml has no Gateway edge/public');
  return structuredClone(translateEdge(ir));
}

const KIND_OF_TYPE: Record<string, keyof EnvoyResources> = {
  [TYPE_URLS.listeners]: 'listeners',
  [TYPE_URLS.routes]: 'routes',
  [TYPE_URLS.clusters]: 'clusters',
  [TYPE_URLS.endpoints]: 'endpoints',
  [TYPE_URLS.secrets]: 'secrets',
};

/** The stored object a test pretends is behind a resource. */
export function originOf(name: string): string {
  return `Origin ${name}`;
}

/**
 * A ProxySnapshot from translated resources: every kind encoded with encodeAny; lookups
 * answer proxyless server listener names for Service shop/checkout.
 */
export function toProxySnapshot(
  resources: EnvoyResources,
  changeSeenAt = Date.now(),
): ProxySnapshot {
  const snapshot = buildSnapshot(resources, { externalSecrets: referencedSecrets(resources) });
  const types = new Map<string, TypeSnapshot>();
  for (const kind of RESOURCE_KIND_ORDER) {
    const typeUrl = Object.entries(KIND_OF_TYPE).find(([, k]) => k === kind)![0];
    const entries = new Map<string, SnapshotEntry>();
    for (const r of snapshot.kinds[kind].resources)
      entries.set(r.name, {
        name: r.name,
        version: r.version,
        any: encodeAny(ENVOY_TYPES[kind], r.resource),
      });
    types.set(typeUrl, { version: snapshot.kinds[kind].version, entries });
  }
  const checkout = buildProxylessIr(resolvedShop(), { service: 'shop/checkout' });
  return {
    types,
    lookup(typeUrl, name) {
      if (typeUrl !== TYPE_URLS.listeners || !checkout) return undefined;
      const listener = proxylessServerListener(checkout, name);
      if (!listener) return undefined;
      return { name, version: `lookup-${name}`, any: encodeAny(ENVOY_TYPES.listeners, listener) };
    },
    sources: (_typeUrl, name) => [originOf(name)],
    changeSeenAt,
  };
}

/** Names of a kind's resources (endpoints by cluster_name). */
export function namesOf(resources: EnvoyResources, typeUrl: string): string[] {
  const kind = KIND_OF_TYPE[typeUrl]!;
  return resources[kind]
    .map((r: JsonObject) => String(kind === 'endpoints' ? r['cluster_name'] : r['name']))
    .sort();
}

/** A SnapshotSource the test drives: publish() hands a snapshot to every open watch. */
export class TestSnapshotSource implements SnapshotSource {
  private current: ProxySnapshot | undefined;
  private readonly watchers = new Set<(snapshot: ProxySnapshot) => void>();
  readonly watchedNodes: ProxyNode[] = [];

  constructor(initial?: ProxySnapshot) {
    this.current = initial;
  }

  publish(snapshot: ProxySnapshot): void {
    this.current = snapshot;
    for (const listener of this.watchers) listener(snapshot);
  }

  watch(node: ProxyNode, listener: (snapshot: ProxySnapshot) => void): { close(): void } {
    this.watchedNodes.push(node);
    this.watchers.add(listener);
    if (this.current) listener(this.current);
    return { close: () => this.watchers.delete(listener) };
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  ready(): boolean {
    return this.current !== undefined;
  }
}

/** node.metadata.<key> when it is a string Value of the Struct, as decoded by the server. */
function metadataString(node: unknown, key: string): string | undefined {
  const metadata: unknown =
    typeof node === 'object' && node !== null ? Reflect.get(node, 'metadata') : undefined;
  const fields: unknown =
    typeof metadata === 'object' && metadata !== null ? Reflect.get(metadata, 'fields') : undefined;
  const value: unknown =
    typeof fields === 'object' && fields !== null ? Reflect.get(fields, key) : undefined;
  const text: unknown =
    typeof value === 'object' && value !== null ? Reflect.get(value, 'stringValue') : undefined;
  return typeof text === 'string' ? text : undefined;
}

/**
 * Tokens: "edge-token" lets a node with metadata role "edge" in; "wrong-role" is a valid
 * token for another role (PERMISSION_DENIED); anything else, or none, is UNAUTHENTICATED.
 * A node without an id or role is INVALID_ARGUMENT.
 */
export const testAuthenticator: DataPlaneAuthenticator = {
  authenticate(node: unknown, metadata: Metadata): Promise<AuthResult> {
    const header = metadata.get('authorization')[0];
    const token = typeof header === 'string' ? header.replace(/^Bearer /, '') : undefined;
    const id =
      typeof node === 'object' && node !== null && typeof Reflect.get(node, 'id') === 'string'
        ? String(Reflect.get(node, 'id'))
        : '';
    const refuse = (
      code: 'UNAUTHENTICATED' | 'PERMISSION_DENIED' | 'INVALID_ARGUMENT',
      message: string,
    ) => Promise.resolve<AuthResult>({ ok: false, code, message });
    if (id === '' || metadataString(node, 'role') !== 'edge')
      return refuse('INVALID_ARGUMENT', 'node.id and node.metadata.role "edge" are required');
    if (token === 'wrong-role') return refuse('PERMISSION_DENIED', 'token is for a sidecar');
    if (token !== 'edge-token') return refuse('UNAUTHENTICATED', 'no valid token');
    const gateway = metadataString(node, 'gateway') ?? '';
    return Promise.resolve({ ok: true, node: { id, role: 'edge', gateway, locality: {} } });
  },
};

export type RecordedEvent =
  | { event: 'connected'; node: string; stream: XdsStreamKind }
  | {
      event: 'sent';
      node: string;
      typeUrl: string;
      version: string;
      bytes: number;
      changeSeenAt: number;
    }
  | { event: 'acked'; node: string; typeUrl: string; version: string; changeSeenAt: number }
  | {
      event: 'nacked';
      node: string;
      typeUrl: string;
      version: string;
      error: string;
      objects: string[];
    }
  | { event: 'disconnected'; node: string };

/** Records every ProxyEvent; until() waits for one that matches. */
export class EventRecorder implements ProxyEvents {
  readonly events: RecordedEvent[] = [];
  private readonly waiters: {
    match: (e: RecordedEvent) => boolean;
    resolve: (e: RecordedEvent) => void;
  }[] = [];

  private record(event: RecordedEvent): void {
    this.events.push(event);
    for (const waiter of [...this.waiters])
      if (waiter.match(event)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
  }

  connected(node: ProxyNode, stream: XdsStreamKind): void {
    this.record({ event: 'connected', node: node.id, stream });
  }
  sent(
    node: ProxyNode,
    push: { typeUrl: string; version: string; bytes: number; changeSeenAt: number },
  ): void {
    this.record({ event: 'sent', node: node.id, ...push });
  }
  acked(node: ProxyNode, ack: { typeUrl: string; version: string; changeSeenAt: number }): void {
    this.record({ event: 'acked', node: node.id, ...ack });
  }
  nacked(
    node: ProxyNode,
    nack: { typeUrl: string; version: string; error: string; objects: string[] },
  ): void {
    this.record({ event: 'nacked', node: node.id, ...nack });
  }
  disconnected(node: ProxyNode): void {
    this.record({ event: 'disconnected', node: node.id });
  }

  of<K extends RecordedEvent['event']>(kind: K): Extract<RecordedEvent, { event: K }>[] {
    return this.events.filter((e): e is Extract<RecordedEvent, { event: K }> => e.event === kind);
  }

  until(match: (e: RecordedEvent) => boolean, timeoutMs = 3000): Promise<RecordedEvent> {
    const found = this.events.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('expected proxy event did not happen')),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }
}

/** An ADS server on 127.0.0.1 with a free port, the test authenticator and a recorder. */
export async function startTestAds(source: TestSnapshotSource): Promise<{
  port: number;
  events: EventRecorder;
  close(): Promise<void>;
}> {
  const events = new EventRecorder();
  const server = await startAdsServer({
    host: '127.0.0.1',
    port: 0,
    source,
    auth: testAuthenticator,
    events,
    logger: pino({ level: 'silent' }),
    shutdownGraceMs: 500,
  });
  return { port: server.port, events, close: () => server.close() };
}
