// The API RBAC matrix: who may do what (restated from docs/api.md "Authentication and
// roles", independently of apps/api/src/auth/rbac.ts, so the two can disagree), the
// HTTP calls one cell makes, and the runner that checks every cell's status, that a
// denied write leaves the store revision where it was and that an allowed one did
// what it says.
import type { Store } from '@crossway/store';

/** Everyone who calls the API in the matrix. */
export const CALLERS = [
  'admin',
  'editor',
  'editor-team-a',
  'viewer',
  'dataplane',
  'expired',
  'revoked',
  'anonymous',
] as const;
export type Caller = (typeof CALLERS)[number];
export const API_CALLERS: readonly Caller[] = ['admin', 'editor', 'editor-team-a', 'viewer'];

/** What a cell needs. */
export type Right =
  | 'read'
  /** A namespaced write (object verbs, apply, data-plane token issue) in `namespace`. */
  | 'write'
  /** Cluster-wide writes: Mesh, sync statuses. */
  | 'write-cluster'
  /** API tokens, the token list, revocation, CA rotation. */
  | 'admin'
  /** Routes that take a data-plane token only (POST /api/v1/certificates). */
  | 'dataplane-only'
  /** Routes that take an API or a data-plane token (GET /api/v1/trust-bundle). */
  | 'read-or-dataplane';

/** 'allow', or the status a caller without the right gets. */
export function decide(caller: Caller, right: Right, namespace?: string): 'allow' | 401 | 403 {
  if (caller === 'dataplane') {
    if (right === 'dataplane-only' || right === 'read-or-dataplane') return 'allow';
    // A data-plane token is no API token: "a data-plane token cannot call the API".
    return 401;
  }
  if (caller === 'expired' || caller === 'revoked' || caller === 'anonymous') return 401;
  switch (right) {
    case 'read':
    case 'read-or-dataplane':
      return 'allow';
    case 'dataplane-only':
      return 403;
    case 'admin':
      return caller === 'admin' ? 'allow' : 403;
    case 'write-cluster':
      return caller === 'admin' || caller === 'editor' ? 'allow' : 403;
    case 'write':
      if (caller === 'admin' || caller === 'editor') return 'allow';
      if (caller === 'editor-team-a') return namespace === 'team-a' ? 'allow' : 403;
      return 403;
  }
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
  json: unknown;
}

export interface Cell {
  caller: Caller;
  /** "PUT Service team-b": the row label. */
  what: string;
  right: Right;
  namespace?: string;
  /** The status when allowed. */
  okStatus: number;
  /** Writes (or would write, when allowed): the store revision is checked around it. */
  write: boolean;
  /** A dry run: the revision must not move even when allowed. */
  dryRun?: boolean;
  send(): Promise<Answer>;
  /** Checks the effect (or its absence); returns what is wrong, if anything. */
  effect?(allowed: boolean, answer: Answer): Promise<string | undefined>;
}

export interface CellResult {
  cell: Cell;
  expected: number;
  actual: number;
  problems: string[];
}

/** One HTTP call with an optional bearer token; the body is JSON unless told otherwise. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: {
    token?: string | undefined;
    body?: unknown;
    contentType?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const response = await fetch(`${base}${path}`, { method, headers, ...(body ? { body } : {}) });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text,
    json,
  };
}

/**
 * Opens GET /api/v1/watch and reads until the first BOOKMARK (the end of the
 * initial state), then hangs up. Non-200 answers are read whole.
 */
export async function watchUntilBookmark(
  base: string,
  query: string,
  token: string | undefined,
  timeoutMs = 10_000,
): Promise<Answer & { events: { type: string; data: unknown }[] }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await fetch(`${base}/api/v1/watch?${query}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      signal: abort.signal,
    });
    const contentType = response.headers.get('content-type') ?? '';
    if (response.status !== 200 || response.body === null) {
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, contentType, text, json, events: [] };
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: BOOKMARK')) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    abort.abort();
    const events = text
      .split('\n\n')
      .map((frame) => {
        const type = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        return type === undefined || data === undefined
          ? undefined
          : { type, data: JSON.parse(data) as unknown };
      })
      .filter((e): e is { type: string; data: unknown } => e !== undefined);
    return { status: 200, contentType, text, json: undefined, events };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs the cells one at a time (the revision checks need a quiet store) and returns
 * every cell whose status or effect differs from the contract. `forbiddenText` must
 * appear in no answer at all (a Secret's private key).
 */
export async function runCells(
  cells: readonly Cell[],
  store: Store,
  forbiddenText: string,
  onProgress: (done: number) => void = () => undefined,
): Promise<{ results: CellResult[]; failures: CellResult[] }> {
  const results: CellResult[] = [];
  for (const [index, cell] of cells.entries()) {
    const decision = decide(cell.caller, cell.right, cell.namespace);
    const expected = decision === 'allow' ? cell.okStatus : decision;
    const before = cell.write ? await store.revision() : 0;
    const answer = await cell.send();
    const problems: string[] = [];
    if (answer.status !== expected) {
      const detail = (answer.json as { detail?: unknown } | undefined)?.detail;
      problems.push(`status ${answer.status}${typeof detail === 'string' ? `: ${detail}` : ''}`);
    }
    if (answer.status === 401 || answer.status === 403) {
      const detail = (answer.json as { detail?: unknown } | undefined)?.detail;
      if (!answer.contentType.startsWith('application/problem+json'))
        problems.push(`a denial answered ${answer.contentType || 'no content type'}`);
      if (typeof detail !== 'string' || detail.length === 0)
        problems.push('a denial without a detail message');
    }
    if (forbiddenText !== '' && answer.text.includes(forbiddenText))
      problems.push('the answer contains a Secret private key');
    const allowed = decision === 'allow' && answer.status === expected;
    if (cell.write) {
      const after = await store.revision();
      if ((!allowed || cell.dryRun) && after !== before)
        problems.push(`store revision moved ${before} -> ${after} on a denied or dry-run write`);
      if (allowed && !cell.dryRun && after === before)
        problems.push(`an allowed write left the store revision at ${before}`);
    }
    if (cell.effect) {
      const wrong = await cell.effect(allowed, answer);
      if (wrong !== undefined) problems.push(wrong);
    }
    results.push({ cell, expected, actual: answer.status, problems });
    onProgress(index + 1);
  }
  return { results, failures: results.filter((r) => r.problems.length > 0) };
}

/** The failing cells as an aligned table: caller, what, expected, actual, problems. */
export function formatFailures(failures: readonly CellResult[]): string {
  const rows = failures.map((f) => [
    f.cell.caller,
    f.cell.what,
    String(f.expected),
    String(f.actual),
    f.problems.join('; '),
  ]);
  const header = ['caller', 'cell', 'expected', 'actual', 'problems'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
