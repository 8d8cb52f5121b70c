// Loads the Envoy v3 / xDS protos that ship inside @grpc/grpc-js-xds. The folder is found
// through the package path (never relative to this file) and nothing is copied into the repo.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import protobuf from 'protobufjs';
import type { Root } from 'protobufjs';
import { ProtosError } from './errors.ts';
import { isRecord } from './json.ts';

const require = createRequire(import.meta.url);

/** Folders under the package's `deps/` that hold import roots, in lookup order. */
const DEPS_FOLDERS = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'] as const;

/** Every proto file Crossway emits or needs to read, as import paths. */
export const ENVOY_PROTO_FILES: readonly string[] = [
  // xDS transport: SotW and Delta ADS, CSDS.
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/discovery/v3/discovery.proto',
  'envoy/service/status/v3/csds.proto',
  // Resource types.
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/tls/v3/common.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls_spiffe_validator_config.proto',
  'envoy/extensions/transport_sockets/raw_buffer/v3/raw_buffer.proto',
  // Network filters.
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/network/rbac/v3/rbac.proto',
  // HTTP filters.
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/rbac/v3/rbac.proto',
  'envoy/extensions/filters/http/cors/v3/cors.proto',
  'envoy/extensions/filters/http/fault/v3/fault.proto',
  'envoy/extensions/filters/http/jwt_authn/v3/config.proto',
  'envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.proto',
  // Listener filters.
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/filters/listener/http_inspector/v3/http_inspector.proto',
  'envoy/extensions/filters/listener/original_dst/v3/original_dst.proto',
  // Access logs and tracing.
  'envoy/extensions/access_loggers/file/v3/file.proto',
  'envoy/extensions/access_loggers/stream/v3/stream.proto',
  'envoy/config/trace/v3/opentelemetry.proto',
  // Upstreams, load balancing, aggregate clusters.
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/load_balancing_policies/round_robin/v3/round_robin.proto',
  'envoy/extensions/load_balancing_policies/least_request/v3/least_request.proto',
  'envoy/extensions/load_balancing_policies/random/v3/random.proto',
  'envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash.proto',
  'envoy/extensions/load_balancing_policies/maglev/v3/maglev.proto',
  'envoy/extensions/load_balancing_policies/wrr_locality/v3/wrr_locality.proto',
  'envoy/extensions/load_balancing_policies/pick_first/v3/pick_first.proto',
  'envoy/extensions/load_balancing_policies/client_side_weighted_round_robin/v3/client_side_weighted_round_robin.proto',
  'envoy/extensions/clusters/aggregate/v3/cluster.proto',
  // Untyped extension configs.
  'udpa/type/v1/typed_struct.proto',
  'xds/type/v3/typed_struct.proto',
];

export interface ProtoSources {
  /** Directory of the installed @grpc/grpc-js-xds package. */
  readonly packageDir: string;
  /** Import roots searched in order. */
  readonly includeDirs: readonly string[];
}

let sources: ProtoSources | undefined;

export function resolveProtoSources(): ProtoSources {
  if (sources !== undefined) return sources;
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
  } catch (cause) {
    throw new ProtosError('PROTO_LOAD_FAILED', '@grpc/grpc-js-xds is not installed', { cause });
  }
  const includeDirs = DEPS_FOLDERS.map((folder) => join(packageDir, 'deps', folder)).filter((dir) =>
    existsSync(dir),
  );
  sources = { packageDir, includeDirs };
  return sources;
}

let descriptorRegistered = false;

// protobufjs bundles the other well-known types but not descriptor.proto, which every
// file with custom options (validate, udpa annotations) imports.
function registerDescriptor(): void {
  if (descriptorRegistered) return;
  const json: unknown = require('protobufjs/google/protobuf/descriptor.json');
  const nested = dig(json, ['nested', 'google', 'nested', 'protobuf', 'nested']);
  if (!isRecord(nested)) {
    throw new ProtosError('PROTO_LOAD_FAILED', 'protobufjs descriptor.json has an unknown shape');
  }
  protobuf.common('descriptor', nested);
  descriptorRegistered = true;
}

function dig(value: unknown, keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/**
 * Loads proto files into a new Root, uncached. `files` are import paths under the shipped
 * import roots, or absolute paths (tests use this for their own fixture protos).
 */
export function loadProtoFiles(files: readonly string[]): Root {
  registerDescriptor();
  const { includeDirs } = resolveProtoSources();
  const root = new protobuf.Root();
  root.resolvePath = (origin: string, target: string): string => {
    if (isAbsolute(target) && existsSync(target)) return target;
    for (const dir of includeDirs) {
      const candidate = join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    if (origin !== '') {
      const sibling = join(dirname(origin), target);
      if (existsSync(sibling)) return sibling;
    }
    throw new ProtosError(
      'PROTO_LOAD_FAILED',
      `cannot find ${target}${origin === '' ? '' : ` (imported by ${origin})`}`,
    );
  };
  try {
    // keepCase: field names stay snake_case, as in Envoy's own JSON and config dumps.
    root.loadSync([...files], { keepCase: true });
  } catch (cause) {
    if (cause instanceof ProtosError) throw cause;
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new ProtosError('PROTO_LOAD_FAILED', `loading protos failed: ${detail}`, { cause });
  }
  return root;
}

export interface LoadStats {
  /** Proto files parsed, imports included. */
  readonly files: number;
  /** Wall time of the first load in milliseconds. */
  readonly millis: number;
}

let cached: { root: Root; stats: LoadStats } | undefined;

/** The Root with everything in ENVOY_PROTO_FILES; loaded once per process. */
export function loadEnvoyProtos(): Root {
  if (cached === undefined) {
    const started = performance.now();
    const root = loadProtoFiles(ENVOY_PROTO_FILES);
    cached = { root, stats: { files: root.files.length, millis: performance.now() - started } };
  }
  return cached.root;
}

/** How long the first loadEnvoyProtos() took; loads the protos if that has not happened. */
export function envoyProtosLoadStats(): LoadStats {
  loadEnvoyProtos();
  if (cached === undefined) throw new ProtosError('PROTO_LOAD_FAILED', 'protos not loaded');
  return cached.stats;
}
