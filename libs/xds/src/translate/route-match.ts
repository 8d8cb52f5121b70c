// An IR match as an Envoy RouteMatch. Prefixes match per path segment, so they use
// path_separated_prefix wherever Envoy takes it; "/" is a plain prefix.
import type { JsonObject } from '@crossway/protos';
import type { IrRouteMatch, IrStringMatch } from '../ir/edge-ir';

/** Escapes RE2 metacharacters so a literal can sit inside a regular expression. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

function stringMatch(match: IrStringMatch): JsonObject {
  if (match.kind === 'Exact') return { exact: match.value };
  if (match.kind === 'Prefix') return { prefix: match.value };
  return { safe_regex: { regex: match.value } };
}

// Envoy's rule for path_separated_prefix: "^[^?#]+[^?#/]$".
const SEPARATED_PREFIX = /^[^?#]+[^?#/]$/;

function pathMatch(path: IrRouteMatch['path']): JsonObject {
  if (path.kind === 'Exact') return { path: path.value };
  if (path.kind === 'RegularExpression') return { safe_regex: { regex: path.value } };
  if (path.value === '/') return { prefix: '/' };
  if (SEPARATED_PREFIX.test(path.value)) return { path_separated_prefix: path.value };
  return { safe_regex: { regex: `${escapeRegex(path.value)}(/.*)?` } };
}

export function translateRouteMatch(match: IrRouteMatch): JsonObject {
  const result: JsonObject = { ...pathMatch(match.path) };
  const headers: JsonObject[] = match.headers.map((h) => ({
    name: h.name,
    string_match: stringMatch(h.match),
  }));
  if (match.method !== undefined)
    headers.unshift({ name: ':method', string_match: { exact: match.method } });
  if (headers.length > 0) result['headers'] = headers;
  if (match.queryParams.length > 0)
    result['query_parameters'] = match.queryParams.map((q) => ({
      name: q.name,
      string_match: stringMatch(q.match),
    }));
  return result;
}
