// Real protobuf decoding for the simulated proxies: the ADS request/response types
// and every resource type come from the Envoy protos (@crossway/protos). A response
// is decoded once into protobufjs messages (never converted to plain objects or
// JSON), and nested google.protobuf.Any values are decoded on demand with a cached
// type lookup.
import {
  findMessageType,
  loadEnvoyProtos,
  lookupMessageType,
  typeNameFromUrl,
} from '@crossway/protos';
import type { Type } from 'protobufjs';

const PACKAGE = 'envoy.service.discovery.v3';

/** A decoded protobufjs message read by field name (the protos load with keepCase). */
export type Msg = Record<string, unknown>;

interface DiscoveryTypes {
  request: Type;
  response: Type;
  deltaRequest: Type;
  deltaResponse: Type;
}

let types: DiscoveryTypes | undefined;
const anyTypes = new Map<string, Type | undefined>();

export function discoveryTypes(): DiscoveryTypes {
  if (types === undefined) {
    const root = loadEnvoyProtos();
    types = {
      request: lookupMessageType(root, `${PACKAGE}.DiscoveryRequest`),
      response: lookupMessageType(root, `${PACKAGE}.DiscoveryResponse`),
      deltaRequest: lookupMessageType(root, `${PACKAGE}.DeltaDiscoveryRequest`),
      deltaResponse: lookupMessageType(root, `${PACKAGE}.DeltaDiscoveryResponse`),
    };
  }
  return types;
}

export function asMsg(value: unknown): Msg | undefined {
  return typeof value === 'object' && value !== null ? (value as Msg) : undefined;
}

export function msgList(value: unknown): Msg[] {
  return Array.isArray(value) ? (value as Msg[]) : [];
}

export function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Decodes a google.protobuf.Any message; throws when its type is unknown or its bytes are bad. */
export function decodeAnyMsg(any: unknown): Msg {
  const a = asMsg(any);
  const url = text(a?.['type_url']);
  let type = anyTypes.get(url);
  if (!anyTypes.has(url)) {
    type = findMessageType(loadEnvoyProtos(), typeNameFromUrl(url));
    anyTypes.set(url, type);
  }
  if (type === undefined) throw new Error(`unknown Any type ${url || '(none)'}`);
  const value = a?.['value'];
  return type.decode(value instanceof Uint8Array ? value : new Uint8Array()) as unknown as Msg;
}

/** Like decodeAnyMsg, but undefined for a missing Any or a type this worker does not know. */
export function tryDecodeAny(any: unknown): Msg | undefined {
  const a = asMsg(any);
  if (a === undefined) return undefined;
  const url = text(a['type_url']);
  if (url === '') return undefined;
  try {
    return decodeAnyMsg(a);
  } catch {
    return undefined;
  }
}

export interface SotwResponse {
  kind: 'sotw';
  typeUrl: string;
  version: string;
  nonce: string;
  /** Any messages, not yet decoded. */
  resources: Msg[];
  bytes: number;
}

export interface DeltaResponse {
  kind: 'delta';
  typeUrl: string;
  version: string;
  nonce: string;
  /** envoy.service.discovery.v3.Resource messages (name, version, resource Any). */
  resources: Msg[];
  removed: string[];
  bytes: number;
}

export function decodeSotwResponse(bytes: Buffer): SotwResponse {
  const m = discoveryTypes().response.decode(bytes) as unknown as Msg;
  return {
    kind: 'sotw',
    typeUrl: text(m['type_url']),
    version: text(m['version_info']),
    nonce: text(m['nonce']),
    resources: msgList(m['resources']),
    bytes: bytes.byteLength,
  };
}

export function decodeDeltaResponse(bytes: Buffer): DeltaResponse {
  const m = discoveryTypes().deltaResponse.decode(bytes) as unknown as Msg;
  const removed = m['removed_resources'];
  return {
    kind: 'delta',
    typeUrl: text(m['type_url']),
    version: text(m['system_version_info']),
    nonce: text(m['nonce']),
    resources: msgList(m['resources']),
    removed: Array.isArray(removed) ? (removed as string[]) : [],
    bytes: bytes.byteLength,
  };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * Encodes a DiscoveryRequest. Requests with a node go through fromObject (the node's
 * Struct metadata); plain ACKs are already in wire shape and are encoded directly.
 */
export function encodeSotwRequest(request: Msg): Buffer {
  const { request: type } = discoveryTypes();
  const message = request['node'] === undefined ? request : type.fromObject(request);
  return asBuffer(type.encode(message).finish());
}

export function encodeDeltaRequest(request: Msg): Buffer {
  const { deltaRequest: type } = discoveryTypes();
  const message = request['node'] === undefined ? request : type.fromObject(request);
  return asBuffer(type.encode(message).finish());
}
