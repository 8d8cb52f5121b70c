// RateLimitPolicy: local token buckets, applied per proxy instance.
import { z } from 'zod';
import { parseDuration } from '../duration';
import { boundedList, duration, headerName, positiveInt32 } from '../primitives';
import { targetRef } from './references';

const limitKey = z
  .strictObject({
    type: z.enum(['None', 'Header', 'ClientIP']).default('None'),
    header: headerName.optional(),
  })
  .refine(
    (k) => (k.type === 'Header') === (k.header !== undefined),
    'header is required when type is Header, and only then',
  );

export const rateLimit = z
  .strictObject({
    requests: positiveInt32,
    per: duration,
    /** Bucket size. Default: requests. */
    burst: positiveInt32.optional(),
    key: limitKey.default({ type: 'None' }),
    /** Paths this limit applies to (exact or "/prefix/*"). Absent: all. */
    paths: boundedList(z.string().regex(/^\/[\x21-\x7e]*$/, 'must start with "/"'), 16).optional(),
  })
  .superRefine((l, ctx) => {
    const ms = parseDuration(l.per) ?? 0;
    if (ms < 50)
      ctx.addIssue({
        code: 'custom',
        path: ['per'],
        message: 'must be at least 50ms (Envoy fills buckets at most every 50ms)',
      });
    if (l.burst !== undefined && l.burst < l.requests)
      ctx.addIssue({ code: 'custom', path: ['burst'], message: 'must be at least requests' });
  });

export const rateLimitPolicySpec = z.strictObject({
  targetRef: targetRef(['Mesh', 'Gateway', 'Service']),
  mode: z
    .enum(['Local', 'Global'])
    .default('Local')
    .refine(
      (m) => m === 'Local',
      'Global is reserved and not implemented yet: use Local (limits apply per proxy instance)',
    ),
  limits: boundedList(rateLimit, 16, 1),
});

export type RateLimitPolicySpec = z.output<typeof rateLimitPolicySpec>;
