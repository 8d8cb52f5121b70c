// Hostnames as Gateway API matches them: "*.example.com" matches any name with at
// least one more label ("a.example.com", "a.b.example.com"), never "example.com".
// "*" stands for any hostname (a listener or route that names none).
import { compareNumbers, compareStrings } from '../common/compare';

export const ANY_HOSTNAME = '*';

export function isWildcard(hostname: string): boolean {
  return hostname.startsWith('*');
}

/** Whether a concrete host (no port) falls under a hostname pattern. */
export function hostnameMatches(pattern: string, host: string): boolean {
  const h = host.toLowerCase();
  if (pattern === ANY_HOSTNAME) return true;
  if (pattern.startsWith('*.'))
    return h.endsWith(pattern.slice(1)) && h.length > pattern.length - 1;
  return pattern === h;
}

/** Whether every host matched by `inner` is also matched by `outer`. */
export function hostnameCovers(outer: string, inner: string): boolean {
  if (outer === ANY_HOSTNAME || outer === inner) return true;
  if (inner === ANY_HOSTNAME) return false;
  if (!outer.startsWith('*.')) return false;
  // "*.x" covers "a.x" and "*.a.x": both end with ".x" and are longer.
  const suffix = outer.slice(1);
  return inner.endsWith(suffix) && inner.length > suffix.length;
}

/** Names both patterns match, as one pattern, or undefined when they share none. */
function intersectOne(a: string, b: string): string | undefined {
  if (hostnameCovers(a, b)) return b;
  if (hostnameCovers(b, a)) return a;
  return undefined;
}

/**
 * The hostnames a route serves on a listener: each route hostname intersected with
 * the listener's. A route without hostnames takes the listener's; neither gives "*".
 * Empty means no intersection (the route does not attach to that listener).
 */
export function intersectHostnames(
  listenerHostname: string | undefined,
  routeHostnames: readonly string[],
): string[] {
  const listener = listenerHostname ?? ANY_HOSTNAME;
  if (routeHostnames.length === 0) return [listener];
  const result = new Set<string>();
  for (const hostname of routeHostnames) {
    const both = intersectOne(listener, hostname);
    if (both !== undefined) result.add(both);
  }
  return [...result].sort(compareHostnameSpecificity);
}

/** Most specific first: exact names before wildcards, longer before shorter, then by text. */
export function compareHostnameSpecificity(a: string, b: string): number {
  return (
    compareNumbers(isWildcard(a) ? 1 : 0, isWildcard(b) ? 1 : 0) ||
    compareNumbers(b.length, a.length) ||
    compareStrings(a, b)
  );
}
