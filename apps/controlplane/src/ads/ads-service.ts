// The gRPC definition of envoy.service.discovery.v3.AggregatedDiscoveryService for the
// server: requests are decoded from the protobufjs types, responses are bytes that the
// streams encoded themselves (see discovery-messages.ts).
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import {
  decodeDeltaRequest,
  decodeSotwRequest,
  type DeltaRequest,
  type SotwRequest,
} from './discovery-messages';

const SERVICE = '/envoy.service.discovery.v3.AggregatedDiscoveryService';

function passThrough(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function encodeOnlyOnClient(): Buffer {
  throw new Error('the ADS server never serializes requests');
}

function method<Request>(
  name: string,
  decode: (bytes: Uint8Array) => Request,
): MethodDefinition<Request, Uint8Array> {
  return {
    path: `${SERVICE}/${name}`,
    requestStream: true,
    responseStream: true,
    requestSerialize: encodeOnlyOnClient,
    requestDeserialize: decode,
    responseSerialize: passThrough,
    responseDeserialize: (bytes: Buffer) => bytes,
    originalName: name,
  };
}

export interface AdsServiceDefinition extends ServiceDefinition {
  StreamAggregatedResources: MethodDefinition<SotwRequest, Uint8Array>;
  DeltaAggregatedResources: MethodDefinition<DeltaRequest, Uint8Array>;
}

export function adsServiceDefinition(): AdsServiceDefinition {
  return {
    StreamAggregatedResources: method('StreamAggregatedResources', decodeSotwRequest),
    DeltaAggregatedResources: method('DeltaAggregatedResources', decodeDeltaRequest),
  };
}
