// One HTTP exchange with the API: bearer token, JSON or YAML bodies, problem+json
// errors, and retries of idempotent reads (GET) on network errors and 503.
import { errorFromAnswer } from './errors';

export type FetchFn = typeof fetch;

export interface HttpOptions {
  server: string;
  token?: string;
  fetch?: FetchFn;
  /** Per-request deadline in ms (default 30 s). */
  timeoutMs?: number;
  /** Base delay between read retries in ms (default 200). */
  retryDelayMs?: number;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  text?: { body: string; contentType: string };
  headers?: Record<string, string>;
}

const MAX_TRIES = 3;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function buildUrl(server: string, spec: Pick<RequestSpec, 'path' | 'query'>): string {
  const url = new URL(spec.path, server.endsWith('/') ? server : `${server}/`);
  for (const [key, value] of Object.entries(spec.query ?? {}))
    if (value !== undefined) url.searchParams.set(key, String(value));
  return url.toString();
}

export class Http {
  private readonly fetchFn: FetchFn;
  constructor(private readonly options: HttpOptions) {
    // A browser's fetch must be called with the global as `this` ("Illegal invocation").
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      accept: 'application/json',
      ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
      ...extra,
    };
  }

  /** Sends the request and answers the raw Response when it is 2xx; throws CrosswayApiError otherwise. */
  async send(spec: RequestSpec, signal?: AbortSignal): Promise<Response> {
    const url = buildUrl(this.options.server, spec);
    const headers = this.headers(spec.headers);
    let body: string | undefined;
    if (spec.json !== undefined) {
      body = JSON.stringify(spec.json);
      headers['content-type'] ??= 'application/json';
    } else if (spec.text) {
      body = spec.text.body;
      headers['content-type'] = spec.text.contentType;
    }
    const tries = spec.method === 'GET' ? MAX_TRIES : 1;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetchFn(url, {
          method: spec.method,
          headers,
          ...(body === undefined ? {} : { body }),
          signal: signal ?? AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
      } catch (error) {
        if (attempt >= tries || signal?.aborted) throw error;
        await sleep((this.options.retryDelayMs ?? 200) * attempt);
        continue;
      }
      if (response.ok) return response;
      if (response.status === 503 && attempt < tries) {
        await response.text();
        await sleep((this.options.retryDelayMs ?? 200) * attempt);
        continue;
      }
      throw errorFromAnswer(response.status, await response.text());
    }
  }

  async json<T>(spec: RequestSpec): Promise<T> {
    const response = await this.send(spec);
    return (await response.json()) as T;
  }
}
