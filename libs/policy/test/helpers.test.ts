// Pure helpers, driven by the helpers-*.yaml tables.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  entryCovers,
  hostnameMatches,
  intersectHostnames,
  ipInBlock,
  normalizePathPrefix,
  pathPrefixMatches,
  patternMatches,
  type ResolvedMatch,
  type RouteTableEntry,
} from '../src/index';
import { loadYaml } from './support/scenarios';

const hostnames = z
  .object({
    intersections: z.array(
      z.object({
        listener: z.string().nullable(),
        route: z.array(z.string()),
        result: z.array(z.string()),
      }),
    ),
    matches: z.array(z.object({ pattern: z.string(), host: z.string(), matches: z.boolean() })),
  })
  .parse(loadYaml('helpers-hostnames.yaml'));

const valueMatch = z.object({
  type: z.enum(['Exact', 'RegularExpression']),
  name: z.string(),
  value: z.string(),
});
const match = z.object({
  path: z.object({ type: z.enum(['Exact', 'PathPrefix', 'RegularExpression']), value: z.string() }),
  method: z.enum(['GET', 'POST']).optional(),
  headers: z.array(valueMatch).default([]),
  queryParams: z.array(valueMatch).default([]),
  grpcOnly: z.boolean().default(false),
});
const paths = z
  .object({
    normalize: z.array(z.object({ prefix: z.string(), result: z.string() })),
    prefixMatches: z.array(
      z.object({ prefix: z.string(), path: z.string(), matches: z.boolean() }),
    ),
    covers: z.array(z.object({ earlier: match, later: match, covers: z.boolean() })),
  })
  .parse(loadYaml('helpers-paths.yaml'));

const authorization = z
  .object({
    patterns: z.array(z.object({ pattern: z.string(), value: z.string(), matches: z.boolean() })),
    ipBlocks: z.array(z.object({ ip: z.string(), block: z.string(), inside: z.boolean() })),
  })
  .parse(loadYaml('helpers-authorization.yaml'));

function entry(m: z.output<typeof match>): RouteTableEntry {
  const resolved: ResolvedMatch = { path: m.path, headers: m.headers, queryParams: m.queryParams };
  if (m.method !== undefined) resolved.method = m.method;
  return {
    name: 'test',
    route: { kind: 'HTTPRoute', namespace: 'ns', name: 'r' },
    parentRef: 0,
    grpcOnly: m.grpcOnly,
    matchIndex: 0,
    match: resolved,
    rule: { index: 0, matches: [resolved], filters: [], mirrors: [], action: { type: 'Redirect' } },
  };
}

describe('hostnames', () => {
  it.each(hostnames.intersections)(
    'listener $listener and route hostnames $route intersect as $result',
    ({ listener, route, result }) => {
      expect(intersectHostnames(listener ?? undefined, route)).toEqual(result);
    },
  );
  it.each(hostnames.matches)('pattern $pattern matching host $host is $matches', (c) => {
    expect(hostnameMatches(c.pattern, c.host)).toBe(c.matches);
  });
});

describe('path prefixes', () => {
  it.each(paths.normalize)('prefix $prefix is normalized to $result', ({ prefix, result }) => {
    expect(normalizePathPrefix(prefix)).toBe(result);
  });
  it.each(paths.prefixMatches)('prefix $prefix matching path $path is $matches', (c) => {
    expect(pathPrefixMatches(c.prefix, c.path)).toBe(c.matches);
  });
  it.each(paths.covers)('an earlier match covering a later one: case %# is $covers', (c) => {
    expect(entryCovers(entry(c.earlier), entry(c.later))).toBe(c.covers);
  });
});

describe('authorization helpers', () => {
  it.each(authorization.patterns)('pattern $pattern matching $value is $matches', (c) => {
    expect(patternMatches(c.pattern, c.value)).toBe(c.matches);
  });
  it.each(authorization.ipBlocks)('address $ip inside $block is $inside', (c) => {
    expect(ipInBlock(c.ip, c.block)).toBe(c.inside);
  });
});
