// The route-driven HTTP filters: cors and fault sit in the connection manager
// when any route uses them, and each route carries its own policy as
// typed_per_filter_config under the filter's name.
import type { JsonObject } from '@crossway/protos';
import type { IrCors, IrFault, IrRoute } from '../../ir/common-ir';
import { anyOf, duration } from '../resources';
import { escapeRegex, fractionalPercent } from './percent';

export const CORS_FILTER = 'envoy.filters.http.cors';
export const FAULT_FILTER = 'envoy.filters.http.fault';
const FAULT_TYPE = 'envoy.extensions.filters.http.fault.v3.HTTPFault';

export function buildCorsFilter(used: boolean | undefined): JsonObject | undefined {
  if (!used) return undefined;
  return {
    name: CORS_FILTER,
    typed_config: anyOf('envoy.extensions.filters.http.cors.v3.Cors', {}),
  };
}

export function buildFaultFilter(used: boolean | undefined): JsonObject | undefined {
  if (!used) return undefined;
  // Faults are configured per route; the listener-level config injects nothing.
  return { name: FAULT_FILTER, typed_config: anyOf(FAULT_TYPE, {}) };
}

function originMatcher(origin: string): JsonObject {
  if (origin === '*') return { safe_regex: { regex: '.*' } };
  const wildcard = /^(https?):\/\/\*\.(.+)$/.exec(origin);
  if (wildcard) {
    const [, scheme = '', rest = ''] = wildcard;
    return { safe_regex: { regex: `${scheme}://[^/:]+\\.${escapeRegex(rest)}` } };
  }
  return { exact: origin };
}

export function corsPolicy(cors: IrCors): JsonObject {
  const policy: JsonObject = {
    allow_origin_string_match: cors.allowOrigins.map(originMatcher),
    max_age: String(cors.maxAge),
    allow_credentials: cors.allowCredentials,
  };
  if (cors.allowMethods.length > 0) policy['allow_methods'] = cors.allowMethods.join(',');
  if (cors.allowHeaders.length > 0) policy['allow_headers'] = cors.allowHeaders.join(',');
  if (cors.exposeHeaders.length > 0) policy['expose_headers'] = cors.exposeHeaders.join(',');
  return policy;
}

export function faultConfig(fault: IrFault): JsonObject {
  const config: JsonObject = {};
  if (fault.delay)
    config['delay'] = {
      fixed_delay: duration(fault.delay.fixedDelay),
      percentage: fractionalPercent(fault.delay.percent),
    };
  if (fault.abort) {
    const abort: JsonObject = { percentage: fractionalPercent(fault.abort.percent) };
    if (fault.abort.httpStatus !== undefined) abort['http_status'] = fault.abort.httpStatus;
    if (fault.abort.grpcStatus !== undefined) abort['grpc_status'] = fault.abort.grpcStatus;
    config['abort'] = abort;
  }
  return config;
}

/** A route's typed_per_filter_config, or undefined when it has none. */
export function routeFilterConfigs(route: IrRoute): JsonObject | undefined {
  const configs: JsonObject = {};
  if (route.cors)
    configs[CORS_FILTER] = anyOf(
      'envoy.extensions.filters.http.cors.v3.CorsPolicy',
      corsPolicy(route.cors),
    );
  if (route.fault) configs[FAULT_FILTER] = anyOf(FAULT_TYPE, faultConfig(route.fault));
  return Object.keys(configs).length > 0 ? configs : undefined;
}
