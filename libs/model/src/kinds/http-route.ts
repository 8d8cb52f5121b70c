// HTTPRoute: Gateway API's HTTPRoute, attachable to Gateway listeners (edge) and
// Services (mesh, GAMMA).
import { z } from 'zod';
import {
  boundedList,
  dnsLabel,
  hostname,
  httpMethod,
  httpPath,
  port,
  re2Error,
} from '../primitives';
import { backendRefs, parentRefs } from './references';
import {
  headerMatches,
  retry,
  routeTimeouts,
  filterTypesOnce,
  sharedRouteFilters,
  uniqueBy,
  valueMatch,
} from './route-common';
import { cors } from './cors';

export const pathMatchType = z.enum(['Exact', 'PathPrefix', 'RegularExpression']);

export const pathMatch = z
  .strictObject({ type: pathMatchType.default('PathPrefix'), value: z.string().default('/') })
  .superRefine((p, ctx) => {
    if (p.type === 'RegularExpression') {
      const error = p.value === '' ? 'must not be empty' : re2Error(p.value);
      if (error)
        ctx.addIssue({
          code: 'custom',
          path: ['value'],
          message: `must be a valid RE2 regular expression: ${error}`,
        });
      return;
    }
    const result = httpPath.safeParse(p.value);
    if (!result.success) {
      for (const issue of result.error.issues)
        ctx.addIssue({ code: 'custom', path: ['value'], message: issue.message });
      return;
    }
    if (/(^|\/)\.\.?(\/|$)/.test(p.value) || p.value.includes('//')) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: 'must be a normalized path (no "//", "/./" or "/../")',
      });
    }
    if (/[?#]/.test(p.value))
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'must not contain "?" or "#"' });
  });

const queryParamName = z
  .string()
  .min(1, 'must not be empty')
  .max(256, 'must be at most 256 characters')
  .regex(/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/, 'must be a query parameter name (token characters)');

export const httpRouteMatch = z.strictObject({
  path: pathMatch.default({ type: 'PathPrefix', value: '/' }),
  headers: headerMatches.optional(),
  queryParams: boundedList(valueMatch(queryParamName), 16)
    .superRefine((list, ctx) =>
      uniqueBy(
        list,
        (m) => m.name,
        ctx,
        'name',
        'query parameter names must be unique within a match',
      ),
    )
    .optional(),
  method: httpMethod.optional(),
});

const pathModifier = z
  .strictObject({
    type: z.enum(['ReplaceFullPath', 'ReplacePrefixMatch']),
    replaceFullPath: httpPath.optional(),
    replacePrefixMatch: httpPath.optional(),
  })
  .superRefine((m, ctx) => {
    const field = m.type === 'ReplaceFullPath' ? 'replaceFullPath' : 'replacePrefixMatch';
    const other = m.type === 'ReplaceFullPath' ? 'replacePrefixMatch' : 'replaceFullPath';
    if (m[field] === undefined)
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `is required when type is ${m.type}`,
      });
    if (m[other] !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: [other],
        message: `must not be set when type is ${m.type}`,
      });
  });

const preciseHostname = hostname.refine(
  (h) => !h.startsWith('*'),
  'must be a precise hostname (no wildcard)',
);

export const requestRedirect = z.strictObject({
  scheme: z.enum(['http', 'https']).optional(),
  hostname: preciseHostname.optional(),
  path: pathModifier.optional(),
  port: port.optional(),
  statusCode: z
    .union([z.literal(301), z.literal(302), z.literal(303), z.literal(307), z.literal(308)], {
      error: 'must be 301, 302, 303, 307 or 308',
    })
    .default(302),
});

export const urlRewrite = z
  .strictObject({ hostname: preciseHostname.optional(), path: pathModifier.optional() })
  .refine(
    (r) => r.hostname !== undefined || r.path !== undefined,
    'must rewrite the hostname, the path, or both',
  );

export const httpRouteFilter = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('RequestRedirect'), requestRedirect }),
    z.strictObject({ type: z.literal('URLRewrite'), urlRewrite }),
    ...sharedRouteFilters,
    z.strictObject({ type: z.literal('CORS'), cors }),
  ],
  {
    error:
      'type must be one of RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect, URLRewrite, RequestMirror, CORS',
  },
);

export const httpRouteRule = z
  .strictObject({
    /** Optional rule name, usable as a sectionName and shown in status and config names. */
    name: dnsLabel.optional(),
    matches: boundedList(httpRouteMatch, 64).default([
      { path: { type: 'PathPrefix', value: '/' } },
    ]),
    filters: boundedList(httpRouteFilter, 16).default([]),
    backendRefs: backendRefs.default([]),
    timeouts: routeTimeouts.optional(),
    retry: retry.optional(),
  })
  .superRefine((rule, ctx) => {
    filterTypesOnce(rule.filters, ctx);
    const types = rule.filters.map((f) => f.type);
    const redirect = rule.filters.findIndex((f) => f.type === 'RequestRedirect');
    if (redirect >= 0 && types.includes('URLRewrite')) {
      ctx.addIssue({
        code: 'custom',
        path: ['filters', redirect],
        message: 'RequestRedirect cannot be combined with URLRewrite in one rule',
      });
    }
    if (redirect >= 0 && rule.backendRefs.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['backendRefs'],
        message: 'a rule with RequestRedirect answers the redirect itself: remove backendRefs',
      });
    }
    rule.filters.forEach((f, index) => {
      const path =
        f.type === 'RequestRedirect'
          ? f.requestRedirect.path
          : f.type === 'URLRewrite'
            ? f.urlRewrite.path
            : undefined;
      if (
        path?.type === 'ReplacePrefixMatch' &&
        rule.matches.some((m) => m.path.type !== 'PathPrefix')
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['filters', index],
          message: 'ReplacePrefixMatch needs every match of the rule to be a PathPrefix match',
        });
      }
    });
  });

export const httpRouteSpec = z
  .strictObject({
    parentRefs,
    hostnames: boundedList(hostname, 16).default([]),
    rules: boundedList(httpRouteRule, 16, 1),
  })
  .superRefine((spec, ctx) => {
    uniqueBy(spec.rules, (r) => r.name, ctx, 'name', 'rule names must be unique', ['rules']);
  });

export type HTTPRouteSpec = z.output<typeof httpRouteSpec>;
export type HTTPRouteRule = z.output<typeof httpRouteRule>;
export type HTTPRouteMatch = z.output<typeof httpRouteMatch>;
export type HTTPRouteFilter = z.output<typeof httpRouteFilter>;
