// The body of POST /api/v1/tokens, apart from the route so tools (the fuzzing oracle of
// the reliability suite) can read it without loading fastify.
import { z } from 'zod';
import { dnsLabel, namespacedName, parseDuration } from '@crossway/model';

const MAX_TTL_MS = 366 * 24 * 3_600_000;
const ttl = z
  .string()
  .default('24h')
  .refine(
    (t) => (parseDuration(t) ?? 0) >= 60_000 && (parseDuration(t) ?? 0) <= MAX_TTL_MS,
    'must be a duration from 1m to 8784h, like "24h"',
  );

export const tokenRequest = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('api'),
    role: z.enum(['admin', 'editor', 'viewer']),
    namespaces: z.array(dnsLabel).min(1).max(64).optional(),
    ttl,
  }),
  z.strictObject({
    type: z.literal('dataplane'),
    role: z.enum(['edge', 'sidecar', 'proxyless']),
    gateway: namespacedName.optional(),
    service: namespacedName.optional(),
    ttl,
  }),
]);
