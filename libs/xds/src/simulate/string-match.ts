// Envoy's StringMatcher, HeaderMatcher and QueryParameterMatcher. Regular
// expressions are RE2 and must match the whole value, as in Envoy.
import type { JsonObject } from '@crossway/protos';
import { RE2JS } from 're2js';
import { boolAt, objectAt, stringAt } from './json-read';

/** A malformed pattern matches nothing (Envoy would have rejected the config). */
export function fullRegexMatch(regex: string, value: string): boolean {
  try {
    return RE2JS.matches(regex, value);
  } catch {
    return false;
  }
}

export function matchString(matcher: JsonObject | undefined, value: string): boolean {
  if (!matcher) return false;
  const ignoreCase = boolAt(matcher, 'ignore_case');
  const subject = ignoreCase ? value.toLowerCase() : value;
  const literal = (key: string): string | undefined => {
    const text = stringAt(matcher, key);
    return text !== undefined && ignoreCase ? text.toLowerCase() : text;
  };
  const exact = literal('exact');
  if (exact !== undefined) return subject === exact;
  const prefix = literal('prefix');
  if (prefix !== undefined) return subject.startsWith(prefix);
  const suffix = literal('suffix');
  if (suffix !== undefined) return subject.endsWith(suffix);
  const contains = literal('contains');
  if (contains !== undefined) return subject.includes(contains);
  const regex = stringAt(objectAt(matcher, 'safe_regex'), 'regex');
  if (regex !== undefined) return fullRegexMatch(regex, value);
  return false;
}

/** Header values by lower-cased name, pseudo-headers included. */
export type HeaderMap = ReadonlyMap<string, string>;

// Mirrors Envoy's HeaderUtility::matchHeaders, including how an absent header
// interacts with present_match and invert_match.
export function matchHeader(matcher: JsonObject, headers: HeaderMap): boolean {
  const name = (stringAt(matcher, 'name') ?? '').toLowerCase();
  const invert = boolAt(matcher, 'invert_match');
  const presentField = matcher['present_match'];
  const isPresentMatch = typeof presentField === 'boolean';
  const value = headers.get(name);
  if (value === undefined && !boolAt(matcher, 'treat_missing_header_as_empty')) {
    if (!isPresentMatch) return false;
    return invert ? presentField : !presentField;
  }
  const subject = value ?? '';
  let match: boolean;
  if (isPresentMatch) match = presentField;
  else {
    const stringMatcher = objectAt(matcher, 'string_match');
    const exact = stringAt(matcher, 'exact_match');
    const regex = stringAt(objectAt(matcher, 'safe_regex_match'), 'regex');
    if (stringMatcher) match = matchString(stringMatcher, subject);
    else if (exact !== undefined) match = subject === exact;
    else if (regex !== undefined) match = fullRegexMatch(regex, subject);
    else match = true;
  }
  return match !== invert;
}

/** Decodes %XX escapes; a malformed escape leaves the text as it was. */
function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Query parameters in order of appearance, values decoded. */
export function parseQuery(query: string): Map<string, string[]> {
  const params = new Map<string, string[]>();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = percentDecode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : percentDecode(part.slice(eq + 1));
    const list = params.get(name);
    if (list) list.push(value);
    else params.set(name, [value]);
  }
  return params;
}

// Envoy looks at the first value of the parameter only.
export function matchQueryParameter(
  matcher: JsonObject,
  params: ReadonlyMap<string, readonly string[]>,
): boolean {
  const value = params.get(stringAt(matcher, 'name') ?? '')?.[0];
  if (value === undefined) return false;
  if (boolAt(matcher, 'present_match')) return true;
  return matchString(objectAt(matcher, 'string_match'), value);
}
