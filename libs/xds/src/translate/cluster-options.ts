// Cluster parts from the newer TrafficPolicy fields: active health checks, the
// ring-hash config, and the upstream HTTP protocol options (HTTP/2 for http2 and
// grpc ports, max requests per connection, idle timeout of pooled connections).
import type { JsonObject } from '@crossway/protos';
import type { IrBackend } from '../ir/edge-ir';
import { anyOf, duration } from './resources';

const HTTP_PROTOCOL_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

function speaksHttp2(backend: IrBackend): boolean {
  return backend.protocol === 'http2' || backend.protocol === 'grpc';
}

/** Envoy's health_checks entry, or undefined when the check cannot run on this backend. */
export function healthChecks(backend: IrBackend): JsonObject[] | undefined {
  const check = backend.policy.healthCheck;
  if (!check) return undefined;
  const result: JsonObject = {
    timeout: duration(check.timeout),
    interval: duration(check.interval),
    unhealthy_threshold: check.unhealthyThreshold,
    healthy_threshold: check.healthyThreshold,
  };
  if (check.http) {
    const http: JsonObject = { path: check.http.path };
    if (check.http.host !== undefined) http['host'] = check.http.host;
    // Int64Range: start inclusive, end exclusive.
    if (check.http.expectedStatuses.length > 0)
      http['expected_statuses'] = [...check.http.expectedStatuses]
        .sort((a, b) => a - b)
        .map((s) => ({ start: s, end: s + 1 }));
    if (speaksHttp2(backend)) http['codec_client_type'] = 'HTTP2';
    result['http_health_check'] = http;
  } else if (check.grpc) {
    // Envoy refuses gRPC health checking on a cluster without HTTP/2: leave it out.
    if (!speaksHttp2(backend)) return undefined;
    result['grpc_health_check'] =
      check.grpc.serviceName === undefined ? {} : { service_name: check.grpc.serviceName };
  } else result['tcp_health_check'] = {};
  return [result];
}

/** typed_extension_protocol_options for HTTP backends, when anything differs from Envoy's defaults. */
export function httpProtocolOptions(backend: IrBackend): JsonObject | undefined {
  if (backend.protocol === 'tcp' || backend.protocol === 'tls') return undefined;
  const common: JsonObject = {};
  const perConnection = backend.policy.connectionLimits?.maxRequestsPerConnection;
  if (perConnection !== undefined) common['max_requests_per_connection'] = perConnection;
  if (backend.policy.idleTimeout !== undefined)
    common['idle_timeout'] = duration(backend.policy.idleTimeout);
  if (!speaksHttp2(backend) && Object.keys(common).length === 0) return undefined;
  const options: JsonObject = {
    explicit_http_config: speaksHttp2(backend)
      ? { http2_protocol_options: {} }
      : { http_protocol_options: {} },
  };
  if (Object.keys(common).length > 0) options['common_http_protocol_options'] = common;
  return { [HTTP_PROTOCOL_OPTIONS]: anyOf(HTTP_PROTOCOL_OPTIONS, options) };
}
