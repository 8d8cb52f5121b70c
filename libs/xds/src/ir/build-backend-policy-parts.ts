// The newer cluster-level TrafficPolicy fields as IR: ring-hash keys and active
// health checks, with durations in milliseconds.
import { parseDuration, type TrafficPolicySpec } from '@crossway/model';
import type { IrBackendPolicy, IrHashOn } from './common-ir';

type HashOnSpec = NonNullable<NonNullable<TrafficPolicySpec['loadBalancer']>['hashOn']>;
type HealthChecksSpec = NonNullable<TrafficPolicySpec['healthChecks']>;

export function buildHashOn(spec: HashOnSpec | undefined): IrHashOn | undefined {
  if (!spec) return undefined;
  if (spec.header !== undefined) return { kind: 'Header', name: spec.header.toLowerCase() };
  if (spec.cookie) {
    const cookie: IrHashOn = { kind: 'Cookie', name: spec.cookie.name };
    const ttl = spec.cookie.ttl === undefined ? undefined : parseDuration(spec.cookie.ttl);
    if (ttl !== undefined) cookie.ttl = ttl;
    if (spec.cookie.path !== undefined) cookie.path = spec.cookie.path;
    return cookie;
  }
  return spec.sourceIP ? { kind: 'SourceIP' } : undefined;
}

export function buildHealthCheck(
  spec: HealthChecksSpec | undefined,
): IrBackendPolicy['healthCheck'] | undefined {
  if (!spec) return undefined;
  const check: NonNullable<IrBackendPolicy['healthCheck']> = {
    interval: parseDuration(spec.interval) ?? 10_000,
    timeout: parseDuration(spec.timeout) ?? 1_000,
    unhealthyThreshold: spec.unhealthyThreshold,
    healthyThreshold: spec.healthyThreshold,
  };
  if (spec.http) {
    check.http = {
      path: spec.http.path,
      expectedStatuses: [...(spec.http.expectedStatuses ?? [])],
    };
    if (spec.http.host !== undefined) check.http.host = spec.http.host;
  } else if (spec.grpc) {
    check.grpc = spec.grpc.serviceName === undefined ? {} : { serviceName: spec.grpc.serviceName };
  } else check.tcp = {};
  return check;
}
