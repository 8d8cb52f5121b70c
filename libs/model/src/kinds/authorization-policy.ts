// AuthorizationPolicy: who may call what. Policies combine: every DENY first, then
// at least one ALLOW must match if any applies, else the mesh default.
import { z } from 'zod';
import {
  boundedList,
  cidr,
  dnsLabel,
  headerName,
  headerValue,
  hostname,
  httpMethod,
  namespacedName,
  port,
} from '../primitives';
import { targetRef } from './references';

const spiffeId = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .regex(
    /^spiffe:\/\/[a-z0-9._-]+(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*$/,
    'must be a SPIFFE ID like "spiffe://cluster.local/ns/shop/sa/web"',
  );

/** Istio-style path patterns: exact "/a", prefix "/a/*", suffix "*.js", or "*". */
const pathPattern = z
  .string()
  .max(1024, 'must be at most 1024 characters')
  .refine(
    (p) =>
      p === '*' ||
      (/^\/[\x21-\x7e]*$/.test(p) && !p.slice(0, -1).includes('*')) ||
      (/^\*[\x21-\x7e]+$/.test(p) && !p.slice(1).includes('*')),
    'must be an exact path "/a", a prefix "/a/*", a suffix "*.js", or "*"',
  );

const source = z
  .strictObject({
    serviceAccounts: boundedList(z.union([dnsLabel, namespacedName]), 64).optional(),
    services: boundedList(z.union([dnsLabel, namespacedName]), 64).optional(),
    gateways: boundedList(z.union([dnsLabel, namespacedName]), 64).optional(),
    spiffeIds: boundedList(spiffeId, 64).optional(),
    namespaces: boundedList(dnsLabel, 64).optional(),
    ipBlocks: boundedList(cidr, 64).optional(),
    jwtClaims: boundedList(
      z.strictObject({
        name: z.string().min(1).max(256),
        values: boundedList(z.string().max(1024), 64, 1),
      }),
      16,
    ).optional(),
  })
  .refine(
    (s) => Object.values(s).some((v) => v !== undefined),
    'must set at least one source field',
  );

const operation = z
  .strictObject({
    ports: boundedList(port, 64).optional(),
    methods: boundedList(httpMethod, 9).optional(),
    paths: boundedList(pathPattern, 64).optional(),
    hosts: boundedList(hostname, 64).optional(),
  })
  .refine(
    (o) => Object.values(o).some((v) => v !== undefined),
    'must set at least one of ports, methods, paths or hosts',
  );

const condition = z
  .strictObject({
    header: headerName,
    values: boundedList(headerValue, 64).optional(),
    notValues: boundedList(headerValue, 64).optional(),
  })
  .refine(
    (c) => c.values !== undefined || c.notValues !== undefined,
    'must set values, notValues, or both',
  );

/** A rule matches when any `from` entry, any `to` entry and every `when` condition match. A rule with none matches every request. */
export const authorizationRule = z.strictObject({
  from: boundedList(source, 16).optional(),
  to: boundedList(operation, 16).optional(),
  when: boundedList(condition, 16).optional(),
});

export const authorizationPolicySpec = z.strictObject({
  targetRef: targetRef(['Mesh', 'Gateway', 'Service']),
  action: z.enum(['ALLOW', 'DENY']),
  /** An empty list matches nothing. */
  rules: boundedList(authorizationRule, 64),
});

export type AuthorizationPolicySpec = z.output<typeof authorizationPolicySpec>;
