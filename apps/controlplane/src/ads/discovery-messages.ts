// The four ADS message types, read and written with the protobufjs Envoy root:
// requests are decoded into small typed records; responses are encoded once into
// bytes, so their size is known and the gRPC layer only passes them through.
import { loadEnvoyProtos, lookupMessageType } from '@crossway/protos';
import type { Type } from 'protobufjs';
import type { SnapshotEntry } from '../contracts';

const PACKAGE = 'envoy.service.discovery.v3';

interface MessageTypes {
  request: Type;
  response: Type;
  deltaRequest: Type;
  deltaResponse: Type;
}

let types: MessageTypes | undefined;

/** The protobufjs types of DiscoveryRequest/Response and their Delta forms (loaded once). */
export function discoveryTypes(): MessageTypes {
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

/** google.rpc.Status of a NACK. */
export interface ErrorDetail {
  code: number;
  message: string;
}

export interface SotwRequest {
  /** envoy.config.core.v3.Node in protobufjs object form; undefined when not sent. */
  node: unknown;
  versionInfo: string;
  resourceNames: string[];
  typeUrl: string;
  responseNonce: string;
  errorDetail: ErrorDetail | undefined;
  /** Resource names the request carries (request-limits.ts). */
  nameCount: number;
  /** Encoded size (request-limits.ts). */
  byteLength: number;
}

export interface DeltaRequest {
  node: unknown;
  typeUrl: string;
  subscribe: string[];
  unsubscribe: string[];
  initialVersions: Map<string, string>;
  responseNonce: string;
  errorDetail: ErrorDetail | undefined;
  /** subscribe + unsubscribe + initial_resource_versions (request-limits.ts). */
  nameCount: number;
  /** Encoded size (request-limits.ts). */
  byteLength: number;
}

const OBJECT_OPTIONS = {
  longs: String,
  enums: String,
  defaults: false,
  arrays: true,
  objects: true,
};

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function errorDetail(value: unknown): ErrorDetail | undefined {
  if (value === undefined || value === null) return undefined;
  const status = record(value);
  const code = typeof status['code'] === 'number' ? status['code'] : 0;
  return { code, message: text(status['message']) };
}

function nodeOf(value: unknown): unknown {
  return value === undefined || value === null ? undefined : value;
}

export function decodeSotwRequest(bytes: Uint8Array): SotwRequest {
  const { request } = discoveryTypes();
  const o = record(request.toObject(request.decode(bytes), OBJECT_OPTIONS));
  const resourceNames = strings(o['resource_names']);
  return {
    node: nodeOf(o['node']),
    versionInfo: text(o['version_info']),
    resourceNames,
    typeUrl: text(o['type_url']),
    responseNonce: text(o['response_nonce']),
    errorDetail: errorDetail(o['error_detail']),
    nameCount: resourceNames.length,
    byteLength: bytes.byteLength,
  };
}

export function decodeDeltaRequest(bytes: Uint8Array): DeltaRequest {
  const { deltaRequest } = discoveryTypes();
  const o = record(deltaRequest.toObject(deltaRequest.decode(bytes), OBJECT_OPTIONS));
  const initial = new Map<string, string>();
  for (const [name, version] of Object.entries(record(o['initial_resource_versions'])))
    initial.set(name, text(version));
  const subscribe = strings(o['resource_names_subscribe']);
  const unsubscribe = strings(o['resource_names_unsubscribe']);
  return {
    node: nodeOf(o['node']),
    typeUrl: text(o['type_url']),
    subscribe,
    unsubscribe,
    initialVersions: initial,
    responseNonce: text(o['response_nonce']),
    errorDetail: errorDetail(o['error_detail']),
    nameCount: subscribe.length + unsubscribe.length + initial.size,
    byteLength: bytes.byteLength,
  };
}

export function encodeSotwResponse(response: {
  versionInfo: string;
  typeUrl: string;
  nonce: string;
  entries: readonly SnapshotEntry[];
}): Uint8Array {
  return discoveryTypes()
    .response.encode({
      version_info: response.versionInfo,
      resources: response.entries.map((e) => e.any),
      type_url: response.typeUrl,
      nonce: response.nonce,
    })
    .finish();
}

export function encodeDeltaResponse(response: {
  systemVersionInfo: string;
  typeUrl: string;
  nonce: string;
  entries: readonly SnapshotEntry[];
  removed: readonly string[];
}): Uint8Array {
  return discoveryTypes()
    .deltaResponse.encode({
      system_version_info: response.systemVersionInfo,
      resources: response.entries.map((e) => ({
        name: e.name,
        version: e.version,
        resource: e.any,
      })),
      type_url: response.typeUrl,
      removed_resources: [...response.removed],
      nonce: response.nonce,
    })
    .finish();
}
