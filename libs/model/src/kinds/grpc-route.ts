// GRPCRoute: routing by gRPC service and method, for edges, sidecars and proxyless clients.
import { z } from 'zod';
import { boundedList, dnsLabel, hostname, re2Error } from '../primitives';
import { backendRefs, parentRefs } from './references';
import {
  headerMatches,
  retry,
  routeTimeouts,
  filterTypesOnce,
  sharedRouteFilters,
  uniqueBy,
} from './route-common';

const GRPC_SERVICE = /^[A-Za-z_][A-Za-z_0-9]*(\.[A-Za-z_][A-Za-z_0-9]*)*$/;
const GRPC_METHOD = /^[A-Za-z_][A-Za-z_0-9]*$/;

export const grpcMethodMatch = z
  .strictObject({
    type: z.enum(['Exact', 'RegularExpression']).default('Exact'),
    service: z.string().max(1024, 'must be at most 1024 characters').optional(),
    method: z.string().max(1024, 'must be at most 1024 characters').optional(),
  })
  .superRefine((m, ctx) => {
    if (m.service === undefined && m.method === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must name a service, a method, or both' });
    }
    for (const field of ['service', 'method'] as const) {
      const value = m[field];
      if (value === undefined) continue;
      if (m.type === 'RegularExpression') {
        const error = re2Error(value);
        if (error)
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `must be a valid RE2 regular expression: ${error}`,
          });
      } else if (!(field === 'service' ? GRPC_SERVICE : GRPC_METHOD).test(value)) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message:
            field === 'service'
              ? 'must be a fully-qualified gRPC service name like "pkg.v1.Greeter"'
              : 'must be a gRPC method name like "SayHello"',
        });
      }
    }
  });

export const grpcRouteMatch = z.strictObject({
  method: grpcMethodMatch.optional(),
  headers: headerMatches.optional(),
});

export const grpcRouteFilter = z.discriminatedUnion('type', [...sharedRouteFilters], {
  error: 'type must be one of RequestHeaderModifier, ResponseHeaderModifier, RequestMirror',
});

export const grpcRouteRule = z
  .strictObject({
    name: dnsLabel.optional(),
    /** No matches: every gRPC request on the parent and hostnames. */
    matches: boundedList(grpcRouteMatch, 64).default([]),
    filters: boundedList(grpcRouteFilter, 16).default([]),
    backendRefs: backendRefs.default([]),
    timeouts: routeTimeouts.optional(),
    retry: retry.optional(),
  })
  .superRefine((rule, ctx) => {
    filterTypesOnce(rule.filters, ctx);
  });

export const grpcRouteSpec = z
  .strictObject({
    parentRefs,
    hostnames: boundedList(hostname, 16).default([]),
    rules: boundedList(grpcRouteRule, 16, 1),
  })
  .superRefine((spec, ctx) => {
    uniqueBy(spec.rules, (r) => r.name, ctx, 'name', 'rule names must be unique', ['rules']);
  });

export type GRPCRouteSpec = z.output<typeof grpcRouteSpec>;
export type GRPCRouteRule = z.output<typeof grpcRouteRule>;
