// @crossway/protos: loads the Envoy v3 and xDS protos shipped in @grpc/grpc-js-xds through the
// package path, and converts and checks objects against them. See protos/README.md.
export {
  ProtosError,
  protosErrorCodes,
  type FieldProblem,
  type ProtosErrorCode,
} from './errors.ts';
export type { JsonObject, JsonValue } from './json.ts';
export {
  ENVOY_PROTO_FILES,
  envoyProtosLoadStats,
  loadEnvoyProtos,
  loadProtoFiles,
  resolveProtoSources,
  type LoadStats,
  type ProtoSources,
} from './load-envoy-protos.ts';
export {
  ENVOY_RELEASE_MARKERS,
  inferEnvoyApiRelease,
  protosVersionInfo,
  type ProtosVersionInfo,
} from './version.ts';
export {
  RESOURCE_KINDS,
  RESOURCE_TYPES,
  TYPE_URL_PREFIX,
  findMessageType,
  lookupMessageType,
  typeNameFromUrl,
  typeUrl,
  type ResourceKind,
} from './type-url.ts';
export {
  checkedFromObject,
  type CheckedMessage,
  type ProtoOptions,
} from './checked-from-object.ts';
export { decodeAny, encodeAny, type AnyObject, type DecodedAny } from './any.ts';
export { objectToProto3Json, toProto3Json } from './proto3-json.ts';
export { roundTrip } from './round-trip.ts';
export {
  validateMessage,
  type ValidateOptions,
  type Violation,
} from './validate/validate-message.ts';
export {
  checkSnapshot,
  ResourceCheckCache,
  type SnapshotCheckOptions,
  type SnapshotProblem,
  type SnapshotProblemCode,
  type SnapshotResources,
} from './semantic/check-snapshot.ts';
