// Normalizes route matches into one shape. A GRPCRoute method match becomes the
// path match it stands for ("/pkg.Svc/Method"), so HTTP and gRPC rules are
// ordered, compared and shadow-checked by the same code.
import type { GRPCRouteRule, HTTPRouteMatch } from '@crossway/model';
import { compareStrings } from '../common/compare';
import { normalizePathPrefix } from './path-match';
import type { ResolvedMatch, ResolvedValueMatch } from './route-types';

type GrpcMatch = GRPCRouteRule['matches'][number];
type ValueMatchInput = { type: 'Exact' | 'RegularExpression'; name: string; value: string };

const ANY_SEGMENT = '[^/]+';

function valueMatches(
  list: readonly ValueMatchInput[] | undefined,
  lowerCaseNames: boolean,
): ResolvedValueMatch[] {
  return (list ?? [])
    .map((m) => ({
      type: m.type,
      name: lowerCaseNames ? m.name.toLowerCase() : m.name,
      value: m.value,
    }))
    .sort((a, b) => compareStrings(a.name, b.name));
}

export function resolveHttpMatch(match: HTTPRouteMatch): ResolvedMatch {
  const resolved: ResolvedMatch = {
    path: {
      type: match.path.type,
      value:
        match.path.type === 'PathPrefix' ? normalizePathPrefix(match.path.value) : match.path.value,
    },
    headers: valueMatches(match.headers, true),
    queryParams: valueMatches(match.queryParams, false),
  };
  if (match.method !== undefined) resolved.method = match.method;
  return resolved;
}

/** The path a gRPC method match selects: Exact "/svc/method", prefix "/svc", or a regular expression. */
function grpcPath(method: GrpcMatch['method']): ResolvedMatch['path'] {
  if (method === undefined) return { type: 'PathPrefix', value: '/' };
  const { service, method: name } = method;
  if (method.type === 'Exact') {
    if (service !== undefined && name !== undefined)
      return { type: 'Exact', value: `/${service}/${name}` };
    if (service !== undefined) return { type: 'PathPrefix', value: `/${service}` };
    return { type: 'RegularExpression', value: `/${ANY_SEGMENT}/${name ?? ANY_SEGMENT}` };
  }
  return {
    type: 'RegularExpression',
    value: `/${service ?? ANY_SEGMENT}/${name ?? ANY_SEGMENT}`,
  };
}

export function resolveGrpcMatch(match: GrpcMatch): ResolvedMatch {
  const resolved: ResolvedMatch = {
    path: grpcPath(match.method),
    headers: valueMatches(match.headers, true),
    queryParams: [],
  };
  if (match.method !== undefined) {
    const grpc: NonNullable<ResolvedMatch['grpc']> = { type: match.method.type };
    if (match.method.service !== undefined) grpc.service = match.method.service;
    if (match.method.method !== undefined) grpc.method = match.method.method;
    resolved.grpc = grpc;
  }
  return resolved;
}

/** A GRPCRoute rule without matches matches every gRPC request. */
export function resolveGrpcMatches(matches: readonly GrpcMatch[]): ResolvedMatch[] {
  return matches.length === 0 ? [resolveGrpcMatch({})] : matches.map(resolveGrpcMatch);
}
