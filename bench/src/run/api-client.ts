// The Crossway REST API as the benchmark uses it (admin token): chunked apply,
// object replace/create, data-plane tokens. Every write returns the store revision
// it landed at and when it was sent and answered (epoch ms floats).
import { descriptorOf } from '@crossway/model';

export interface Timed<T> {
  value: T;
  revision: number;
  startedAt: number;
  answeredAt: number;
}

export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

type Meta = { name: string; namespace?: string };

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }

  private async timed<T>(run: () => Promise<T>, revisionOf: (v: T) => unknown): Promise<Timed<T>> {
    const startedAt = nowMs();
    const value = await run();
    const answeredAt = nowMs();
    return { value, revision: Number(revisionOf(value) ?? Number.NaN), startedAt, answeredAt };
  }

  /** POST /api/v1/apply of one set (one transaction when it fits). */
  apply(objects: readonly Record<string, unknown>[]): Promise<Timed<unknown>> {
    return this.timed(
      () => this.call('POST', '/api/v1/apply', objects),
      (v) => (v as { resourceVersion?: string }).resourceVersion,
    );
  }

  /** Applies in chunks of `size`, reporting progress after each. */
  async applyChunked(
    objects: readonly Record<string, unknown>[],
    size: number,
    onProgress: (written: number, total: number) => void,
  ): Promise<number> {
    let revision = 0;
    for (let i = 0; i < objects.length; i += size) {
      const result = await this.apply(objects.slice(i, i + size));
      revision = result.revision;
      onProgress(Math.min(i + size, objects.length), objects.length);
    }
    return revision;
  }

  private itemPath(object: Record<string, unknown>, withName: boolean): string {
    const kind = String(object['kind']);
    const descriptor = descriptorOf(kind);
    if (descriptor === undefined) throw new Error(`unknown kind ${kind}`);
    const meta = object['metadata'] as Meta;
    const base =
      meta.namespace === undefined
        ? `/api/v1/${descriptor.plural}`
        : `/api/v1/namespaces/${meta.namespace}/${descriptor.plural}`;
    return withName ? `${base}/${meta.name}` : base;
  }

  /** PUT: replace an existing object (last writer wins). */
  replace(object: Record<string, unknown>): Promise<Timed<unknown>> {
    return this.timed(
      () => this.call('PUT', this.itemPath(object, true), object),
      (v) => (v as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion,
    );
  }

  /** POST /api/v1/tokens for a data-plane identity. */
  async dataPlaneToken(role: 'edge' | 'sidecar', target: string): Promise<string> {
    const body = {
      type: 'dataplane',
      role,
      ...(role === 'edge' ? { gateway: target } : { service: target }),
      ttl: '24h',
    };
    const result = (await this.call('POST', '/api/v1/tokens', body)) as { token: string };
    return result.token;
  }
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T, index);
    }
  });
  await Promise.all(runners);
  return results;
}
