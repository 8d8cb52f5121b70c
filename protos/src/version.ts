// Which Envoy API the shipped protos correspond to. @grpc/grpc-js-xds vendors envoyproxy/
// data-plane-api as a git submodule and records no commit in the npm package, so the Envoy
// release is inferred from fields that each release added (from Envoy's changelogs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import type { Root } from 'protobufjs';
import { isRecord } from './json.ts';
import { loadEnvoyProtos, resolveProtoSources } from './load-envoy-protos.ts';

/** Fields first added in each Envoy release, limited to the files Crossway loads. */
export const ENVOY_RELEASE_MARKERS: readonly { release: string; fields: readonly string[] }[] = [
  {
    release: '1.30',
    fields: [
      'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.append_local_overload',
      'envoy.config.core.v3.HealthCheck.always_log_health_check_success',
      'envoy.type.matcher.v3.StringMatcher.custom',
      'envoy.extensions.filters.http.cors.v3.CorsPolicy.forward_not_matching_preflights',
      'envoy.extensions.filters.http.jwt_authn.v3.JwtProvider.subjects',
      'envoy.config.rbac.v3.Permission.uri_template',
    ],
  },
  {
    release: '1.31',
    fields: [
      'envoy.config.listener.v3.Listener.bypass_overload_manager',
      'envoy.config.cluster.v3.OutlierDetection.always_eject_one_host',
      'envoy.config.route.v3.RouteAction.RequestMirrorPolicy.disable_shadow_host_suffix_append',
      'envoy.config.core.v3.SchemeHeaderTransformation.match_upstream',
      'envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit.local_cluster_rate_limit',
      'envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication.strip_failure_response',
      'envoy.config.endpoint.v3.LocalityLbEndpoints.metadata',
    ],
  },
  {
    release: '1.32',
    fields: [
      'envoy.config.cluster.v3.Cluster.dns_jitter',
      'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext.prefer_client_ciphers',
      'envoy.config.core.v3.HttpProtocolOptions.max_response_headers_kb',
      'envoy.extensions.transport_sockets.tls.v3.CommonTlsContext.custom_tls_certificate_selector',
      'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.http1_safe_max_connection_duration',
    ],
  },
];

function hasField(root: Root, qualifiedField: string): boolean {
  const dot = qualifiedField.lastIndexOf('.');
  const found = root.lookup(`.${qualifiedField.slice(0, dot)}`);
  return found instanceof protobuf.Type && qualifiedField.slice(dot + 1) in found.fields;
}

/**
 * The newest Envoy release all of whose marker fields are present, or undefined when even the
 * oldest release's markers are missing.
 */
export function inferEnvoyApiRelease(root: Root = loadEnvoyProtos()): string | undefined {
  let release: string | undefined;
  for (const marker of ENVOY_RELEASE_MARKERS) {
    if (!marker.fields.every((field) => hasField(root, field))) break;
    release = marker.release;
  }
  return release;
}

export interface ProtosVersionInfo {
  /** Version of the installed @grpc/grpc-js-xds package that ships the protos. */
  readonly grpcJsXds: string;
  /** Envoy release whose API the protos match (inferred, see ENVOY_RELEASE_MARKERS). */
  readonly envoyApiRelease: string | undefined;
  /** Where the .proto files were read from. */
  readonly includeDirs: readonly string[];
}

export function protosVersionInfo(root: Root = loadEnvoyProtos()): ProtosVersionInfo {
  const { packageDir, includeDirs } = resolveProtoSources();
  const manifest: unknown = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const version =
    isRecord(manifest) && typeof manifest.version === 'string' ? manifest.version : '';
  return { grpcJsXds: version, envoyApiRelease: inferEnvoyApiRelease(root), includeDirs };
}
