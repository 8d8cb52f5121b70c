// The per-route parts of the HTTP filters: a rule's CORS filter and the effective
// TrafficPolicy faultInjection, as IR fields of the route.
import { parseDuration, type TrafficPolicySpec } from '@crossway/model';
import type { ResolvedFilter } from '@crossway/policy';
import type { IrCors, IrFault } from '../common-ir';

export function buildCorsIr(filters: readonly ResolvedFilter[]): IrCors | undefined {
  const filter = filters.find((f) => f.type === 'CORS');
  if (filter?.type !== 'CORS') return undefined;
  const { cors } = filter;
  return {
    allowOrigins: [...cors.allowOrigins],
    allowMethods: [...(cors.allowMethods ?? [])],
    allowHeaders: [...(cors.allowHeaders ?? [])],
    exposeHeaders: [...(cors.exposeHeaders ?? [])],
    maxAge: cors.maxAge,
    allowCredentials: cors.allowCredentials,
  };
}

export function buildFaultIr(
  fault: TrafficPolicySpec['faultInjection'] | undefined,
): IrFault | undefined {
  if (!fault) return undefined;
  const result: IrFault = {};
  if (fault.delay)
    result.delay = {
      fixedDelay: parseDuration(fault.delay.fixedDelay) ?? 0,
      percent: fault.delay.percentage,
    };
  if (fault.abort)
    result.abort = {
      percent: fault.abort.percentage,
      ...(fault.abort.httpStatus !== undefined ? { httpStatus: fault.abort.httpStatus } : {}),
      ...(fault.abort.grpcStatus !== undefined ? { grpcStatus: fault.abort.grpcStatus } : {}),
    };
  return result;
}
