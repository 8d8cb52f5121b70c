// Gateway API match precedence, independent of input order:
//   GRPCRoute entries first (they only match gRPC requests),
//   more specific matched hostname, then path kind Exact > RegularExpression > PathPrefix,
//   longer Exact/PathPrefix value, a method match, more header matches, more query
//   matches; remaining ties: oldest route, namespace/name, rule index, match index.
import { ageKey, chain, compareNumbers, compareStrings, type Comparator } from '../common/compare';
import { compareHostnameSpecificity } from './hostnames';
import type { PathMatchType, RouteTableEntry } from './route-types';

/** An entry with the route's creation time, which orders otherwise equal matches. */
export interface RankedEntry {
  entry: RouteTableEntry;
  creationTimestamp?: string;
}

export const PATH_TYPE_RANK: Record<PathMatchType, number> = {
  Exact: 0,
  RegularExpression: 1,
  PathPrefix: 2,
};

const rankOf = (r: RankedEntry) => r.entry;

export const compareRankedEntries: Comparator<RankedEntry> = chain<RankedEntry>(
  (a, b) => compareNumbers(rankOf(a).grpcOnly ? 0 : 1, rankOf(b).grpcOnly ? 0 : 1),
  (a, b) => {
    const ha = rankOf(a).hostname;
    const hb = rankOf(b).hostname;
    return ha === undefined || hb === undefined ? 0 : compareHostnameSpecificity(ha, hb);
  },
  (a, b) =>
    compareNumbers(
      PATH_TYPE_RANK[rankOf(a).match.path.type],
      PATH_TYPE_RANK[rankOf(b).match.path.type],
    ),
  (a, b) => {
    const pa = rankOf(a).match.path;
    const pb = rankOf(b).match.path;
    // Regular expressions are not ranked by length: their ties go to age.
    return pa.type === 'RegularExpression' ? 0 : compareNumbers(pb.value.length, pa.value.length);
  },
  (a, b) =>
    compareNumbers(
      rankOf(a).match.method === undefined ? 1 : 0,
      rankOf(b).match.method === undefined ? 1 : 0,
    ),
  (a, b) => compareNumbers(rankOf(b).match.headers.length, rankOf(a).match.headers.length),
  (a, b) => compareNumbers(rankOf(b).match.queryParams.length, rankOf(a).match.queryParams.length),
  (a, b) => compareNumbers(ageKey(a.creationTimestamp), ageKey(b.creationTimestamp)),
  (a, b) => compareStrings(rankOf(a).route.namespace, rankOf(b).route.namespace),
  (a, b) => compareStrings(rankOf(a).route.name, rankOf(b).route.name),
  (a, b) => compareStrings(rankOf(a).route.kind, rankOf(b).route.kind),
  (a, b) => compareNumbers(rankOf(a).rule.index, rankOf(b).rule.index),
  (a, b) => compareNumbers(rankOf(a).matchIndex, rankOf(b).matchIndex),
  (a, b) => compareStrings(rankOf(a).hostname ?? '', rankOf(b).hostname ?? ''),
);

export function orderEntries(ranked: readonly RankedEntry[]): RouteTableEntry[] {
  return [...ranked].sort(compareRankedEntries).map((r) => r.entry);
}
