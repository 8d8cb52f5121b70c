// Static analysis: a match that can never be chosen because an earlier entry of
// every table it appears in matches every request it would (same or broader path,
// a subset of its method, header and query conditions). Gateway API has no
// condition for this; we report a warning-style condition on the route:
// type RuleShadowed, status True, reason Shadowed. Accepted stays True.
import { pathPrefixMatches } from './path-match';
import type { ResolvedMatch, ResolvedValueMatch, RouteTableEntry } from './route-types';

export interface NamedTable {
  /** Where the table lives, for messages: 'Gateway edge/public listener "http" host "*"'. */
  label: string;
  entries: readonly RouteTableEntry[];
}

export interface ShadowFinding {
  route: { kind: string; namespace: string; name: string };
  parentRef: number;
  message: string;
}

function pathCovers(earlier: ResolvedMatch['path'], later: ResolvedMatch['path']): boolean {
  switch (earlier.type) {
    case 'PathPrefix':
      return later.type === 'RegularExpression'
        ? earlier.value === '/'
        : pathPrefixMatches(earlier.value, later.value);
    case 'Exact':
      return later.type === 'Exact' && later.value === earlier.value;
    case 'RegularExpression':
      return later.type === 'RegularExpression' && later.value === earlier.value;
  }
}

function subset(earlier: readonly ResolvedValueMatch[], later: readonly ResolvedValueMatch[]) {
  return earlier.every((e) =>
    later.some((l) => l.name === e.name && l.type === e.type && l.value === e.value),
  );
}

/** Whether every request `later` matches is also matched by `earlier`. */
export function entryCovers(earlier: RouteTableEntry, later: RouteTableEntry): boolean {
  if (earlier.grpcOnly && !later.grpcOnly) return false;
  const a = earlier.match;
  const b = later.match;
  return (
    pathCovers(a.path, b.path) &&
    (a.method === undefined || a.method === b.method) &&
    subset(a.headers, b.headers) &&
    subset(a.queryParams, b.queryParams)
  );
}

export function describeMatch(match: ResolvedMatch): string {
  const parts = [`${match.path.type} ${match.path.value}`];
  if (match.method !== undefined) parts.push(match.method);
  if (match.headers.length > 0)
    parts.push(
      `header${match.headers.length > 1 ? 's' : ''} ${match.headers.map((h) => h.name).join(', ')}`,
    );
  if (match.queryParams.length > 0)
    parts.push(`query ${match.queryParams.map((q) => q.name).join(', ')}`);
  return parts.join(', ');
}

function describeEntry(entry: RouteTableEntry): string {
  const { kind, namespace, name } = entry.route;
  return `${kind} ${namespace}/${name} rules[${entry.rule.index}].matches[${entry.matchIndex}] (${describeMatch(entry.match)})`;
}

interface Occurrence {
  entry: RouteTableEntry;
  tables: number;
  shadows: { label: string; by: RouteTableEntry }[];
}

export function findShadowedMatches(tables: readonly NamedTable[]): ShadowFinding[] {
  const occurrences = new Map<string, Occurrence>();
  for (const table of tables) {
    table.entries.forEach((entry, j) => {
      if (entry.parentRef === undefined) return;
      const key = `${entry.name}|${entry.parentRef}`;
      const occurrence = occurrences.get(key) ?? { entry, tables: 0, shadows: [] };
      occurrence.tables += 1;
      const by = table.entries.slice(0, j).find((earlier) => entryCovers(earlier, entry));
      if (by) occurrence.shadows.push({ label: table.label, by });
      occurrences.set(key, occurrence);
    });
  }
  const findings: ShadowFinding[] = [];
  for (const { entry, tables: count, shadows } of occurrences.values()) {
    const first = shadows[0];
    if (entry.parentRef === undefined || !first || shadows.length < count) continue;
    findings.push({
      route: { ...entry.route },
      parentRef: entry.parentRef,
      message: `rules[${entry.rule.index}].matches[${entry.matchIndex}] (${describeMatch(entry.match)}) can never match: ${describeEntry(first.by)} comes first on ${first.label}`,
    });
  }
  return findings;
}
