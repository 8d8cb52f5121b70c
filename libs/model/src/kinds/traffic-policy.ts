// TrafficPolicy: how traffic to a target behaves. Fields merge per top-level field,
// most specific target first (see the contract's Semantics).
import { z } from 'zod';
import {
  boundedList,
  duration,
  headerName,
  httpPath,
  percentage,
  positiveInt32,
} from '../primitives';
import { targetRef } from './references';
import { retry, retryAttempts, routeTimeouts } from './route-common';

export const trafficPolicyTimeouts = routeTimeouts.safeExtend({
  /** Idle time before an upstream or downstream connection is closed. */
  idle: duration.optional(),
  /** Time to establish an upstream connection. */
  connect: duration.optional(),
});

/** As a route rule's retry, but attempts must be given. */
const retries = retry.extend({ attempts: retryAttempts });

const connectionLimits = z
  .strictObject({
    maxConnections: positiveInt32.optional(),
    maxPendingRequests: positiveInt32.optional(),
    maxRequests: positiveInt32.optional(),
    maxRetries: positiveInt32.optional(),
    maxRequestsPerConnection: positiveInt32.optional(),
  })
  .refine((c) => Object.keys(c).length > 0, 'must set at least one limit');

const outlierDetection = z.strictObject({
  consecutive5xxErrors: positiveInt32.default(5),
  consecutiveGatewayErrors: positiveInt32.optional(),
  interval: duration.default('10s'),
  baseEjectionTime: duration.default('30s'),
  maxEjectionPercent: percentage.default(10),
});

const loadBalancer = z
  .strictObject({
    type: z.enum(['RoundRobin', 'LeastRequest', 'RingHash', 'Random']),
    hashOn: z
      .strictObject({
        header: headerName.optional(),
        cookie: z
          .strictObject({
            name: z.string().regex(/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/, 'must be a cookie name'),
            ttl: duration.optional(),
            path: httpPath.optional(),
          })
          .optional(),
        sourceIP: z.literal(true).optional(),
      })
      .refine(
        (h) => [h.header, h.cookie, h.sourceIP].filter((v) => v !== undefined).length === 1,
        'must set exactly one of header, cookie or sourceIP',
      )
      .optional(),
  })
  .superRefine((lb, ctx) => {
    if (lb.type === 'RingHash' && !lb.hashOn)
      ctx.addIssue({
        code: 'custom',
        path: ['hashOn'],
        message: 'is required when type is RingHash',
      });
    if (lb.type !== 'RingHash' && lb.hashOn)
      ctx.addIssue({
        code: 'custom',
        path: ['hashOn'],
        message: 'is only used when type is RingHash',
      });
  });

const localityPart = z
  .string()
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/, 'must be letters, digits, "-", "_" or "."');

const localityFailover = z.strictObject({
  enabled: z.boolean().default(true),
  /** Explicit order: traffic from region `from` fails over to `to` regions in order. Default: same zone, same region, then anywhere. */
  failover: boundedList(
    z.strictObject({ from: localityPart, to: boundedList(localityPart, 16, 1) }),
    64,
  ).optional(),
});

const healthChecks = z
  .strictObject({
    http: z
      .strictObject({
        path: httpPath,
        expectedStatuses: boundedList(z.number().int().min(100).max(599), 16).optional(),
        host: z.string().max(253).optional(),
      })
      .optional(),
    grpc: z.strictObject({ serviceName: z.string().max(1024).optional() }).optional(),
    tcp: z.strictObject({}).optional(),
    interval: duration.default('10s'),
    timeout: duration.default('1s'),
    unhealthyThreshold: z
      .number()
      .int()
      .min(1, 'must be from 1 to 100')
      .max(100, 'must be from 1 to 100')
      .default(3),
    healthyThreshold: z
      .number()
      .int()
      .min(1, 'must be from 1 to 100')
      .max(100, 'must be from 1 to 100')
      .default(1),
  })
  .refine(
    (h) => [h.http, h.grpc, h.tcp].filter((v) => v !== undefined).length === 1,
    'must set exactly one of http, grpc or tcp',
  );

const faultInjection = z
  .strictObject({
    delay: z.strictObject({ fixedDelay: duration, percentage: percentage.default(100) }).optional(),
    abort: z
      .strictObject({
        httpStatus: z
          .number()
          .int()
          .min(200, 'must be an HTTP status 200-599')
          .max(599, 'must be an HTTP status 200-599')
          .optional(),
        grpcStatus: z
          .number()
          .int()
          .min(1, 'must be a gRPC status code 1-16')
          .max(16, 'must be a gRPC status code 1-16')
          .optional(),
        percentage: percentage.default(100),
      })
      .refine(
        (a) => (a.httpStatus === undefined) !== (a.grpcStatus === undefined),
        'must set exactly one of httpStatus or grpcStatus',
      )
      .optional(),
  })
  .refine((f) => f.delay !== undefined || f.abort !== undefined, 'must set delay, abort, or both');

export const TRAFFIC_POLICY_FIELDS = [
  'timeouts',
  'retries',
  'connectionLimits',
  'outlierDetection',
  'loadBalancer',
  'localityFailover',
  'healthChecks',
  'faultInjection',
] as const;
/** Fields that configure a cluster: not valid on a route target. */
export const CLUSTER_LEVEL_FIELDS = [
  'connectionLimits',
  'outlierDetection',
  'loadBalancer',
  'healthChecks',
  'localityFailover',
] as const;

export const trafficPolicySpec = z
  .strictObject({
    targetRef: targetRef(['Mesh', 'Gateway', 'Service', 'HTTPRoute', 'GRPCRoute']),
    timeouts: trafficPolicyTimeouts.optional(),
    retries: retries.optional(),
    connectionLimits: connectionLimits.optional(),
    outlierDetection: outlierDetection.optional(),
    loadBalancer: loadBalancer.optional(),
    localityFailover: localityFailover.optional(),
    healthChecks: healthChecks.optional(),
    faultInjection: faultInjection.optional(),
  })
  .refine(
    (s) => TRAFFIC_POLICY_FIELDS.some((f) => s[f] !== undefined),
    `must set at least one of ${TRAFFIC_POLICY_FIELDS.join(', ')}`,
  );

export type TrafficPolicySpec = z.output<typeof trafficPolicySpec>;
