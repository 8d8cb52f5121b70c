import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { service, startHarness, type Harness } from './harness';
import { openSse, type SseStream } from './sse';

let h: Harness;
let base: string;
const streams: SseStream[] = [];

beforeEach(async () => {
  h = await startHarness({ bookmarkIntervalMs: 200 });
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
afterEach(async () => {
  streams.splice(0).forEach((s) => s.close());
  await h.close();
});

async function watch(query: string): Promise<SseStream> {
  const stream = await openSse(`${base}/api/v1/watch${query}`, h.tokens.admin);
  streams.push(stream);
  return stream;
}

const names = (events: { event: string; data: unknown }[]) =>
  events
    .filter((e) => e.event !== 'BOOKMARK')
    .map((e) => `${e.event} ${(e.data as { metadata: { name: string } }).metadata.name}`);

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED with revisions as ids', async () => {
    const start = await h.store.revision();
    const stream = await watch(`?resourceVersion=${start}`);
    expect(stream.status).toBe(200);
    await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/shop/services',
      payload: service('a'),
    });
    await h.request({
      method: 'PUT',
      url: '/api/v1/namespaces/shop/services/a',
      payload: service('a', 'shop', 81),
    });
    await h.request({ method: 'DELETE', url: '/api/v1/namespaces/shop/services/a' });
    const events = await stream.until((e) => e.event === 'DELETED');
    expect(names(events)).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a']);
    const ids = events.filter((e) => e.event !== 'BOOKMARK').map((e) => Number(e.id));
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(ids[0]).toBeGreaterThan(start);
  });

  it('resumes from a revision, replaying what happened after it', async () => {
    await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/shop/services',
      payload: service('a'),
    });
    const mark = await h.store.revision();
    await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/shop/services',
      payload: service('b'),
    });
    await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/shop/services',
      payload: service('c'),
    });
    const stream = await watch(`?resourceVersion=${mark}`);
    const events = await stream.until(
      (e) =>
        e.event === 'ADDED' && (e.data as { metadata: { name: string } }).metadata.name === 'c',
    );
    expect(names(events)).toEqual(['ADDED b', 'ADDED c']);
  });

  it('without a revision starts with the current objects, filtered by kind and namespace', async () => {
    await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/shop/services',
      payload: service('a'),
    });
    await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/payments/services',
      payload: service('p', 'payments'),
    });
    const stream = await watch('?kind=Service&namespace=shop');
    const first = await stream.until((e) => e.event === 'BOOKMARK');
    expect(names(first)).toEqual(['ADDED a']);
    await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/payments/services',
      payload: service('q', 'payments'),
    });
    await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/shop/services',
      payload: service('b'),
    });
    const later = await stream.until((e) => e.event === 'ADDED');
    expect(names(later)).toEqual(['ADDED b']);
  });

  it('sends BOOKMARK heartbeats carrying the revision', async () => {
    const stream = await watch(`?resourceVersion=${await h.store.revision()}`);
    const bookmarks = await stream.until((e) => e.event === 'BOOKMARK');
    expect(
      (bookmarks.at(-1)?.data as { metadata: { resourceVersion: string } }).metadata
        .resourceVersion,
    ).toMatch(/^[0-9]+$/);
    const again = await stream.next(2_000);
    expect(again.event).toBe('BOOKMARK');
  });

  it('answers 410 for a compacted revision', async () => {
    await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/shop/services',
      payload: service('a'),
    });
    const old = await h.store.revision();
    await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/shop/services',
      payload: service('b'),
    });
    await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/shop/services',
      payload: service('c'),
    });
    await h.store.compact(await h.store.revision());
    const answer = await fetch(`${base}/api/v1/watch?resourceVersion=${old - 1}`, {
      headers: { authorization: `Bearer ${h.tokens.admin}` },
    });
    expect(answer.status).toBe(410);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
  });

  it('never streams Secret keys', async () => {
    const stream = await watch(`?resourceVersion=${await h.store.revision()}`);
    const { readFileSync } = await import('node:fs');
    await h.request({
      method: 'POST',
      url: '/api/v1/apply',
      headers: { 'content-type': 'application/yaml' },
      payload: readFileSync(new URL('../../../examples/shop.yaml', import.meta.url), 'utf8'),
    });
    const events = await stream.until(
      (e) => e.event === 'ADDED' && (e.data as { kind: string }).kind === 'Secret',
    );
    expect(JSON.stringify(events)).not.toContain('PRIVATE KEY');
  });
});
