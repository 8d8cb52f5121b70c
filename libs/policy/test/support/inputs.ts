// Typed inputs for the query functions, parsed from scenario YAML.
import { TRAFFIC_POLICY_FIELDS } from '@crossway/model';
import { z } from 'zod';

const name = z.string();

export const trafficContext = z.strictObject({
  route: z
    .strictObject({
      kind: z.enum(['HTTPRoute', 'GRPCRoute']),
      namespace: name,
      name,
      rule: z.number().optional(),
    })
    .optional(),
  backend: z.strictObject({ namespace: name, name, port: z.number().optional() }).optional(),
  listener: z
    .strictObject({ namespace: name, name, sectionName: z.string().optional() })
    .optional(),
});

export const receiverTarget = z.union([
  z.strictObject({ kind: z.literal('Mesh') }),
  z.strictObject({
    kind: z.enum(['Gateway', 'Service']),
    namespace: name,
    name,
    sectionName: z.string().optional(),
  }),
]);

export const authorizationRequest = z.strictObject({
  source: z
    .strictObject({
      namespace: z.string().optional(),
      serviceAccount: z.string().optional(),
      service: z.string().optional(),
      gateway: z.string().optional(),
      spiffeId: z.string().optional(),
      ip: z.string().optional(),
    })
    .optional(),
  method: z.string().optional(),
  path: z.string(),
  host: z.string().optional(),
  port: z.number().optional(),
  headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
  jwtClaims: z.record(z.string(), z.unknown()).optional(),
});

export const trafficPolicyField = z.enum(TRAFFIC_POLICY_FIELDS);
