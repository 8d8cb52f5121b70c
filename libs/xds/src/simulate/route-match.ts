// Envoy's RouteMatch against one request: path specifier, then headers, then
// query parameters, all of which must hold.
import type { JsonObject } from '@crossway/protos';
import { objectAt, objectsAt, stringAt } from './json-read';
import { fullRegexMatch, matchHeader, matchQueryParameter, type HeaderMap } from './string-match';

export interface RequestView {
  /** The path without query string or fragment. */
  path: string;
  headers: HeaderMap;
  query: ReadonlyMap<string, readonly string[]>;
}

/** Splits ":path" as Envoy does before route matching. */
export function splitPath(fullPath: string): { path: string; query: string } {
  const fragment = fullPath.indexOf('#');
  const withoutFragment = fragment < 0 ? fullPath : fullPath.slice(0, fragment);
  const mark = withoutFragment.indexOf('?');
  if (mark < 0) return { path: withoutFragment, query: '' };
  return { path: withoutFragment.slice(0, mark), query: withoutFragment.slice(mark + 1) };
}

/** The part of the path a prefix_rewrite replaces, when the path specifier allows one. */
export function matchedPrefixLength(match: JsonObject, path: string): number {
  const prefix = stringAt(match, 'prefix') ?? stringAt(match, 'path_separated_prefix');
  return prefix !== undefined ? prefix.length : path.length;
}

export function matchPath(match: JsonObject, path: string): boolean {
  // case_sensitive defaults to true and only applies to literal path specifiers.
  const sensitive = match['case_sensitive'] !== false;
  const subject = sensitive ? path : path.toLowerCase();
  const literal = (key: string): string | undefined => {
    const text = stringAt(match, key);
    return text !== undefined && !sensitive ? text.toLowerCase() : text;
  };
  const exact = literal('path');
  if (exact !== undefined) return subject === exact;
  const prefix = literal('prefix');
  if (prefix !== undefined) return subject.startsWith(prefix);
  const separated = literal('path_separated_prefix');
  if (separated !== undefined)
    return (
      subject === separated ||
      (subject.startsWith(separated) && subject.charAt(separated.length) === '/')
    );
  const regex = stringAt(objectAt(match, 'safe_regex'), 'regex');
  if (regex !== undefined) return fullRegexMatch(regex, path);
  return false;
}

export function matchRoute(match: JsonObject, request: RequestView): boolean {
  if (objectAt(match, 'grpc') && !isGrpc(request.headers)) return false;
  if (!matchPath(match, request.path)) return false;
  if (!objectsAt(match, 'headers').every((h) => matchHeader(h, request.headers))) return false;
  return objectsAt(match, 'query_parameters').every((q) => matchQueryParameter(q, request.query));
}

function isGrpc(headers: HeaderMap): boolean {
  return (headers.get('content-type') ?? '').startsWith('application/grpc');
}
