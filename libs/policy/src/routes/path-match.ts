// Path prefix semantics: prefixes match whole path segments, so "/abc" matches
// "/abc" and "/abc/x" but not "/abcd", and "/abc/" means the same as "/abc".

/** "/abc/" → "/abc"; "/" stays "/". */
export function normalizePathPrefix(value: string): string {
  const trimmed = value.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** Whether a request path (query string ignored) falls under a prefix, segment by segment. */
export function pathPrefixMatches(prefix: string, requestPath: string): boolean {
  const normalized = normalizePathPrefix(prefix);
  const path = requestPath.split('?')[0] ?? '';
  if (normalized === '/') return path.startsWith('/');
  return path === normalized || path.startsWith(`${normalized}/`);
}
