// A bare ADS client for tests: real gRPC over loopback with real protobuf encoding,
// speaking SotW (connect) or Delta (connectDelta) one message at a time, so tests
// can send exactly the requests, ACKs and NACKs they mean and read each response.
//
//   const client = connect(port, { id: 'edge-1', metadata: { role: 'edge', ... } });
//   client.request(TYPE_URLS.clusters);               // wildcard
//   const cds = await client.waitForResponse(TYPE_URLS.clusters);
//   client.ack(cds);
//   await client.close();
import {
  Client,
  credentials,
  Metadata,
  type ClientDuplexStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { decodeAny, loadEnvoyProtos, lookupMessageType } from '@crossway/protos';
import type { Type } from 'protobufjs';

const SERVICE = '/envoy.service.discovery.v3.AggregatedDiscoveryService';
const OBJECT_OPTIONS = {
  longs: String,
  enums: String,
  defaults: true,
  arrays: true,
  objects: true,
};

/** A node as a test writes it: metadata as plain JSON (sent as a google.protobuf.Struct). */
export interface TestNode {
  id: string;
  cluster?: string;
  locality?: { region?: string; zone?: string };
  metadata?: Record<string, unknown>;
}

export interface SotwResponse {
  versionInfo: string;
  typeUrl: string;
  nonce: string;
  /** Resource names in response order (Listener.name, ClusterLoadAssignment.cluster_name, ...). */
  names: string[];
  /** Decoded resources in protobufjs object form. */
  resources: Record<string, unknown>[];
  bytes: number;
}

export interface DeltaResource {
  name: string;
  version: string;
  resource: Record<string, unknown>;
}

export interface DeltaResponse {
  systemVersionInfo: string;
  typeUrl: string;
  nonce: string;
  names: string[];
  resources: DeltaResource[];
  removed: string[];
}

export interface StreamStatus {
  code: number;
  details: string;
}

// protobufjs' built-in google.protobuf types keep their camelCase field names.
function jsonToValue(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(jsonToValue) } };
  return { structValue: jsonToStruct(value as Record<string, unknown>) };
}

function jsonToStruct(json: Record<string, unknown>): Record<string, unknown> {
  return { fields: Object.fromEntries(Object.entries(json).map(([k, v]) => [k, jsonToValue(v)])) };
}

function nodeMessage(node: TestNode): Record<string, unknown> {
  return {
    id: node.id,
    cluster: node.cluster ?? '',
    locality: node.locality ?? {},
    metadata: jsonToStruct(node.metadata ?? {}),
    user_agent_name: 'crossway-raw-ads-client',
  };
}

function resourceName(resource: Record<string, unknown>): string {
  const name = resource['name'] ?? resource['cluster_name'];
  return typeof name === 'string' ? name : '';
}

function decodeResource(any: unknown): Record<string, unknown> {
  const { message } = decodeAny(any);
  return message.$type.toObject(message, OBJECT_OPTIONS);
}

function type(name: string): Type {
  return lookupMessageType(loadEnvoyProtos(), `envoy.service.discovery.v3.${name}`);
}

function serializer(messageType: Type): (value: object) => Buffer {
  return (value) => Buffer.from(messageType.encode(messageType.fromObject(value)).finish());
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

interface Waiter<R> {
  typeUrl: string | undefined;
  resolve(response: R): void;
}

/** Shared plumbing: the gRPC stream, queued responses, waiters and the final status. */
class RawStream<R extends { typeUrl: string }> {
  readonly received: R[] = [];
  private readonly unread: R[] = [];
  private readonly waiters: Waiter<R>[] = [];
  readonly status: Promise<StreamStatus>;
  protected readonly call: ClientDuplexStream<object, R>;
  private readonly client: Client;

  constructor(
    port: number,
    method: string,
    requestType: Type,
    decode: (bytes: Buffer) => R,
    metadata: Metadata,
    deadlineMs: number,
  ) {
    this.client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
    this.call = this.client.makeBidiStreamRequest(
      `${SERVICE}/${method}`,
      serializer(requestType),
      decode,
      metadata,
      { deadline: Date.now() + deadlineMs },
    );
    this.call.on('data', (response: R) => {
      this.received.push(response);
      const i = this.waiters.findIndex(
        (w) => w.typeUrl === undefined || w.typeUrl === response.typeUrl,
      );
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(response);
      else this.unread.push(response);
    });
    this.status = new Promise((resolve) => {
      this.call.on('status', (s: { code: number; details: string }) =>
        resolve({ code: s.code, details: s.details }),
      );
      this.call.on('error', (e: ServiceError) => resolve({ code: e.code, details: e.details }));
    });
  }

  /** The next response not read yet (of `typeUrl` when given); rejects after `timeoutMs`. */
  waitForResponse(typeUrl?: string, timeoutMs = 5000): Promise<R> {
    const i = this.unread.findIndex((r) => typeUrl === undefined || r.typeUrl === typeUrl);
    if (i >= 0) return Promise.resolve(this.unread.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter: Waiter<R> = {
        typeUrl,
        resolve: (response) => {
          clearTimeout(timer);
          resolve(response);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no ${typeUrl ?? 'xDS'} response within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Resolves with the responses that arrived, unread, during `ms` (empty: nothing was pushed). */
  async responsesWithin(ms: number): Promise<R[]> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.unread.splice(0);
  }

  /** Stops reading responses (a slow client: gRPC flow control pushes back on the server). */
  pause(): void {
    this.call.pause();
  }

  resume(): void {
    this.call.resume();
  }

  /** Cancels the stream and closes the channel. */
  async close(): Promise<void> {
    this.call.cancel();
    this.client.close();
    await Promise.race([this.status, new Promise((resolve) => setTimeout(resolve, 1000))]);
  }
}

export class SotwClient extends RawStream<SotwResponse> {
  private sentNode = false;
  /** Last names requested per type, reused by ack() and nack(). */
  private readonly names = new Map<string, string[]>();

  constructor(
    port: number,
    private readonly node: TestNode,
    metadata: Metadata,
    deadlineMs: number,
  ) {
    const responseType = type('DiscoveryResponse');
    super(
      port,
      'StreamAggregatedResources',
      type('DiscoveryRequest'),
      (bytes) => {
        const o = responseType.toObject(responseType.decode(bytes), OBJECT_OPTIONS);
        const resources = (o['resources'] as unknown[]).map(decodeResource);
        return {
          versionInfo: text(o['version_info']),
          typeUrl: text(o['type_url']),
          nonce: text(o['nonce']),
          names: resources.map(resourceName),
          resources,
          bytes: bytes.byteLength,
        };
      },
      metadata,
      deadlineMs,
    );
  }

  /** Sends a DiscoveryRequest; the node goes with the first one (or every one with `node`). */
  request(
    typeUrl: string,
    names: string[] = [],
    options: { versionInfo?: string; nonce?: string; error?: string; node?: TestNode } = {},
  ): void {
    const node = options.node ?? (this.sentNode ? undefined : this.node);
    this.sentNode = true;
    this.names.set(typeUrl, names);
    this.call.write({
      ...(node ? { node: nodeMessage(node) } : {}),
      version_info: options.versionInfo ?? '',
      resource_names: names,
      type_url: typeUrl,
      response_nonce: options.nonce ?? '',
      ...(options.error !== undefined ? { error_detail: { code: 3, message: options.error } } : {}),
    });
  }

  /** ACKs a response, keeping the names last requested for its type. */
  ack(response: SotwResponse, names = this.names.get(response.typeUrl) ?? []): void {
    this.request(response.typeUrl, names, {
      versionInfo: response.versionInfo,
      nonce: response.nonce,
    });
  }

  /** NACKs a response: version_info stays `acceptedVersion` (what the client still runs). */
  nack(response: SotwResponse, error: string, acceptedVersion = ''): void {
    this.request(response.typeUrl, this.names.get(response.typeUrl) ?? [], {
      versionInfo: acceptedVersion,
      nonce: response.nonce,
      error,
    });
  }
}

export class DeltaClient extends RawStream<DeltaResponse> {
  private sentNode = false;

  constructor(
    port: number,
    private readonly node: TestNode,
    metadata: Metadata,
    deadlineMs: number,
  ) {
    const responseType = type('DeltaDiscoveryResponse');
    super(
      port,
      'DeltaAggregatedResources',
      type('DeltaDiscoveryRequest'),
      (bytes) => {
        const o = responseType.toObject(responseType.decode(bytes), OBJECT_OPTIONS);
        const resources = (o['resources'] as Record<string, unknown>[]).map((r) => ({
          name: text(r['name']),
          version: text(r['version']),
          resource: decodeResource(r['resource']),
        }));
        return {
          systemVersionInfo: text(o['system_version_info']),
          typeUrl: text(o['type_url']),
          nonce: text(o['nonce']),
          names: resources.map((r) => r.name),
          resources,
          removed: (o['removed_resources'] as string[]).slice(),
        };
      },
      metadata,
      deadlineMs,
    );
  }

  /** Sends a DeltaDiscoveryRequest; the node goes with the first one. */
  request(
    typeUrl: string,
    options: {
      subscribe?: string[];
      unsubscribe?: string[];
      initialVersions?: Record<string, string>;
      nonce?: string;
      error?: string;
    } = {},
  ): void {
    const node = this.sentNode ? undefined : this.node;
    this.sentNode = true;
    this.call.write({
      ...(node ? { node: nodeMessage(node) } : {}),
      type_url: typeUrl,
      resource_names_subscribe: options.subscribe ?? [],
      resource_names_unsubscribe: options.unsubscribe ?? [],
      initial_resource_versions: options.initialVersions ?? {},
      response_nonce: options.nonce ?? '',
      ...(options.error !== undefined ? { error_detail: { code: 3, message: options.error } } : {}),
    });
  }

  ack(response: DeltaResponse): void {
    this.request(response.typeUrl, { nonce: response.nonce });
  }

  nack(response: DeltaResponse, error: string): void {
    this.request(response.typeUrl, { nonce: response.nonce, error });
  }
}

function withToken(metadata: Metadata | string | undefined): Metadata {
  if (metadata instanceof Metadata) return metadata;
  const out = new Metadata();
  if (metadata !== undefined) out.set('authorization', `Bearer ${metadata}`);
  return out;
}

/**
 * Opens a SotW ADS stream to 127.0.0.1:port. `metadata` is gRPC metadata, or a token
 * sent as `authorization: Bearer <token>`. The stream's deadline is `deadlineMs`.
 */
export function connect(
  port: number,
  node: TestNode,
  metadata?: Metadata | string,
  deadlineMs = 30_000,
): SotwClient {
  return new SotwClient(port, node, withToken(metadata), deadlineMs);
}

/** Opens a Delta ADS stream to 127.0.0.1:port (see connect). */
export function connectDelta(
  port: number,
  node: TestNode,
  metadata?: Metadata | string,
  deadlineMs = 30_000,
): DeltaClient {
  return new DeltaClient(port, node, withToken(metadata), deadlineMs);
}
