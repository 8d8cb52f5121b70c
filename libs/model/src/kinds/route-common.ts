// Pieces shared by HTTPRoute and GRPCRoute: header matches, header modifiers,
// mirrors, timeouts and retries.
import { z } from 'zod';
import { parseDuration } from '../duration';
import {
  boundedList,
  dnsLabel,
  duration,
  headerName,
  headerValue,
  percentage,
  port,
  re2Error,
} from '../primitives';

export const stringMatchType = z.enum(['Exact', 'RegularExpression']);

/** A header (or query parameter) match; the value is checked as RE2 when type is RegularExpression. */
export function valueMatch<N extends z.ZodType>(name: N) {
  return z
    .strictObject({
      type: stringMatchType.default('Exact'),
      name,
      value: z.string().max(4096, 'must be at most 4096 characters'),
    })
    .superRefine((m, ctx) => {
      if (m.type === 'RegularExpression') {
        const error = m.value === '' ? 'must not be empty' : re2Error(m.value);
        if (error)
          ctx.addIssue({
            code: 'custom',
            path: ['value'],
            message: `must be a valid RE2 regular expression: ${error}`,
          });
      } else if (/[\r\n\0]/.test(m.value)) {
        ctx.addIssue({
          code: 'custom',
          path: ['value'],
          message: 'must not contain CR, LF or NUL',
        });
      }
    });
}

export const headerMatch = valueMatch(headerName);
export const headerMatches = boundedList(headerMatch, 16).superRefine((list, ctx) => {
  uniqueBy(
    list,
    (m) => m.name.toLowerCase(),
    ctx,
    'name',
    'header names must be unique within a match (case-insensitive)',
  );
});

const headerEntry = z.strictObject({ name: headerName, value: headerValue });

export const headerModifier = z
  .strictObject({
    set: boundedList(headerEntry, 16).optional(),
    add: boundedList(headerEntry, 16).optional(),
    remove: boundedList(headerName, 16).optional(),
  })
  .superRefine((m, ctx) => {
    const seen = new Map<string, string>();
    for (const field of ['set', 'add', 'remove'] as const) {
      (m[field] ?? []).forEach((entry, index) => {
        const name = (typeof entry === 'string' ? entry : entry.name).toLowerCase();
        const earlier = seen.get(name);
        if (earlier) {
          ctx.addIssue({
            code: 'custom',
            path: [field, index],
            message: `header "${name}" is already modified by ${earlier}`,
          });
        } else seen.set(name, field);
      });
    }
    if (seen.size === 0)
      ctx.addIssue({ code: 'custom', message: 'must set, add or remove at least one header' });
  });

export const requestMirror = z.strictObject({
  backendRef: z.strictObject({
    kind: z.literal('Service').default('Service'),
    name: dnsLabel,
    namespace: dnsLabel.optional(),
    port,
  }),
  /** Share of requests mirrored, 0-100. Default 100. */
  percent: percentage.default(100),
});

export const routeTimeouts = z
  .strictObject({
    /** Whole request, including retries. "0s" disables the timeout. */
    request: duration.optional(),
    /** Each try to a backend. */
    backendRequest: duration.optional(),
  })
  .superRefine((t, ctx) => {
    const request = t.request === undefined ? undefined : parseDuration(t.request);
    const backend = t.backendRequest === undefined ? undefined : parseDuration(t.backendRequest);
    if (request !== undefined && backend !== undefined && request !== 0 && backend > request) {
      ctx.addIssue({
        code: 'custom',
        path: ['backendRequest'],
        message: `must not exceed request timeout (${t.request})`,
      });
    }
  });

export const HTTP_RETRY_ON = [
  '5xx',
  'gateway-error',
  'reset',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
] as const;
export const GRPC_RETRY_ON = [
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
] as const;

export const backoff = z
  .strictObject({ baseInterval: duration.default('25ms'), maxInterval: duration.optional() })
  .superRefine((b, ctx) => {
    const base = parseDuration(b.baseInterval) ?? 0;
    if (base === 0)
      ctx.addIssue({ code: 'custom', path: ['baseInterval'], message: 'must be greater than 0' });
    if (b.maxInterval !== undefined && (parseDuration(b.maxInterval) ?? 0) < base) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxInterval'],
        message: 'must be at least baseInterval',
      });
    }
  });

/** Retry settings. `on` takes Envoy's retry conditions (HTTP) and gRPC status names. */
export const retryAttempts = z
  .number()
  .int('must be an integer')
  .min(0, 'must be from 0 to 10')
  .max(10, 'must be from 0 to 10');

export const retry = z.strictObject({
  /** Default 1 on a route rule; required in a TrafficPolicy. */
  attempts: retryAttempts.default(1),
  perTryTimeout: duration.optional(),
  on: boundedList(z.enum([...HTTP_RETRY_ON, ...GRPC_RETRY_ON]), 12).optional(),
  /** HTTP status codes retried when `on` includes retriable-status-codes. */
  statusCodes: boundedList(
    z
      .number()
      .int()
      .min(100, 'must be an HTTP status 100-599')
      .max(599, 'must be an HTTP status 100-599'),
    16,
  ).optional(),
  backoff: backoff.optional(),
});

/** Flags each later item whose key repeats an earlier one; items without a key are skipped. */
export function uniqueBy<T>(
  list: readonly T[],
  key: (item: T) => string | undefined,
  ctx: z.RefinementCtx,
  field: string,
  message: string,
  at: readonly PropertyKey[] = [],
): void {
  const seen = new Set<string>();
  list.forEach((item, index) => {
    const k = key(item);
    if (k === undefined) return;
    if (seen.has(k))
      ctx.addIssue({
        code: 'custom',
        path: [...at, index, field],
        message: `${message}: "${k}" appears more than once`,
      });
    seen.add(k);
  });
}

/** Filters HTTPRoute and GRPCRoute share, as discriminated-union members. */
export const sharedRouteFilters = [
  z.strictObject({
    type: z.literal('RequestHeaderModifier'),
    requestHeaderModifier: headerModifier,
  }),
  z.strictObject({
    type: z.literal('ResponseHeaderModifier'),
    responseHeaderModifier: headerModifier,
  }),
  z.strictObject({ type: z.literal('RequestMirror'), requestMirror }),
] as const;

/** Gateway API: each filter type at most once per rule, RequestMirror excepted. */
export function filterTypesOnce(filters: readonly { type: string }[], ctx: z.RefinementCtx): void {
  filters.forEach((f, index) => {
    if (f.type !== 'RequestMirror' && filters.findIndex((g) => g.type === f.type) !== index) {
      ctx.addIssue({
        code: 'custom',
        path: ['filters', index, 'type'],
        message: `${f.type} may appear only once per rule`,
      });
    }
  });
}
