// Test-only: grpc-js-xds 1.14.1's own resource validators as the acceptance
// check for proxyless config. Each resource is encoded with the Envoy protos
// and decoded by the XdsResourceType gRPC would use (listener, route
// configuration, cluster, endpoint), with a bootstrap that has (or lacks) the
// contract's certificate providers. RBAC on servers is experimental in 1.14.1:
// it is enabled here as GRPC_XDS_EXPERIMENTAL_RBAC=true, which servers must set.
import { createRequire } from 'node:module';
import { checkedFromObject, type JsonObject } from '@crossway/protos';
import { ENVOY_TYPES, type EnvoyResourceKind, type EnvoyResources } from '../../src/index';

process.env['GRPC_XDS_EXPERIMENTAL_RBAC'] = 'true';

const require = createRequire(import.meta.url);

interface DecodeResult {
  name: string;
  value?: object;
  error?: string;
}
interface ResourceType {
  decode(context: object, resource: { type_url: string; value: Uint8Array }): DecodeResult;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function load(path: string, exportName: string): ResourceType {
  const module: unknown = require(`@grpc/grpc-js-xds/build/src/xds-resource-type/${path}`);
  const cls = isRecord(module) ? module[exportName] : undefined;
  const get = isRecord(cls) || typeof cls === 'function' ? Reflect.get(cls, 'get') : undefined;
  if (typeof get !== 'function') throw new Error(`grpc-js-xds: no ${exportName}.get()`);
  const instance: unknown = get.call(cls);
  if (!isRecord(instance) || typeof instance['decode'] !== 'function')
    throw new Error(`grpc-js-xds: ${exportName} has no decode()`);
  const decode = instance['decode'];
  return {
    decode: (context, resource) => {
      const result: unknown = Reflect.apply(decode, instance, [context, resource]);
      if (!isRecord(result) || typeof result['name'] !== 'string')
        throw new Error('grpc-js-xds: unexpected decode result');
      const out: DecodeResult = { name: result['name'] };
      if (typeof result['error'] === 'string') out.error = result['error'];
      if (isRecord(result['value'])) out.value = result['value'];
      return out;
    },
  };
}

// Filters register themselves (router, fault, rbac) when the package registers.
// Test-only: libs/xds itself never imports grpc-js-xds; its validators are the oracle here.
// eslint-disable-next-line @nx/enforce-module-boundaries
const xds: unknown = require('@grpc/grpc-js-xds');
if (isRecord(xds) && typeof xds['register'] === 'function') Reflect.apply(xds['register'], xds, []);

const TYPES: Partial<Record<EnvoyResourceKind, ResourceType>> = {
  listeners: load('listener-resource-type', 'ListenerResourceType'),
  routes: load('route-config-resource-type', 'RouteConfigurationResourceType'),
  clusters: load('cluster-resource-type', 'ClusterResourceType'),
  endpoints: load('endpoint-resource-type', 'EndpointResourceType'),
};

export const CERTIFICATE_PROVIDERS = ['crossway-identity', 'crossway-roots'];

function decodeContext(providers: readonly string[]): object {
  const certificateProviders: Record<string, object> = {};
  for (const p of providers) certificateProviders[p] = { plugin_name: 'file_watcher', config: {} };
  return {
    server: { serverUri: 'crossway.test:15010', channelCreds: [], serverFeatures: ['xds_v3'] },
    bootstrap: { certificateProviders, servers: [], node: {}, authorities: {} },
  };
}

/** Encodes one resource with the Envoy protos, as the ADS server would send it. */
export function encodeResource(kind: EnvoyResourceKind, resource: JsonObject): Uint8Array {
  const checked = checkedFromObject(ENVOY_TYPES[kind], resource);
  if (!checked.ok) throw new Error(`${kind}: ${JSON.stringify(checked.problems)}`);
  return checked.message.$type.encode(checked.message).finish();
}

/** grpc-js-xds's verdict on one resource: undefined when accepted, else its NACK text. */
export function grpcRejection(
  kind: EnvoyResourceKind,
  resource: JsonObject,
  providers: readonly string[] = CERTIFICATE_PROVIDERS,
): string | undefined {
  const type = TYPES[kind];
  if (!type) return `${kind}: gRPC does not take this kind`;
  const value = encodeResource(kind, resource);
  const result = type.decode(decodeContext(providers), {
    type_url: `type.googleapis.com/${ENVOY_TYPES[kind]}`,
    value,
  });
  return result.error ?? (result.value ? undefined : `${kind}: decoded to nothing`);
}

/** Every NACK grpc-js-xds would send for these resources, "<kind> <name>: <error>". */
export function grpcRejections(
  resources: EnvoyResources,
  providers: readonly string[] = CERTIFICATE_PROVIDERS,
): string[] {
  const out: string[] = [];
  for (const kind of ['listeners', 'routes', 'clusters', 'endpoints'] as const)
    for (const resource of resources[kind]) {
      const error = grpcRejection(kind, resource, providers);
      if (error !== undefined)
        out.push(`${kind} ${String(resource['name'] ?? resource['cluster_name'])}: ${error}`);
    }
  if (resources.secrets.length > 0) out.push('secrets: gRPC takes no SDS');
  return out;
}
