// The typed client against the real API server (in-process, MemoryStore, loopback),
// plus a tiny real HTTP server for the retry rules.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The client is tested against the real API app and its token records, not a copy.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { storeTokenRecords } from '@crossway/auth';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { MemoryStore } from '@crossway/store';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { build } from '../../../apps/api/src/server';
import { CrosswayApiError, CrosswayClient, UnknownKindError, type WatchEvent } from '../src/index';

const ADMIN = 'client-test-admin-token-0123456789';
let app: Awaited<ReturnType<typeof build>>;
let client: CrosswayClient;

const svc = (name: string, namespace = 'default', labels: Record<string, string> = {}) => ({
  apiVersion: 'crossway.dev/v1alpha1' as const,
  kind: 'Service',
  metadata: { name, namespace, labels },
  spec: { ports: [{ name: 'http', port: 80, protocol: 'http' }] },
});

beforeAll(async () => {
  const store = new MemoryStore();
  app = await build({ store, tokens: storeTokenRecords(store), adminToken: ADMIN, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  client = new CrosswayClient({ server: `http://127.0.0.1:${port}`, token: ADMIN });
});
afterAll(async () => app.close());

describe('CrosswayClient objects', () => {
  it('creates, reads, lists by label with pages, merge-patches and deletes', async () => {
    await client.create(svc('a', 'default', { tier: 'web' }));
    await client.create(svc('b', 'default', { tier: 'web' }));
    await client.create(svc('c', 'default', { tier: 'db' }));
    expect((await client.get('svc', 'a')).metadata.labels).toEqual({ tier: 'web' });
    const page = await client.list('services', { labelSelector: 'tier=web', limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.metadata.continue).toBeTruthy();
    const all = await client.listAll('Service', { labelSelector: 'tier=web', limit: 1 });
    expect(all.map((o) => o.metadata.name).sort()).toEqual(['a', 'b']);
    const patched = await client.patch('service', 'c', { metadata: { labels: { tier: 'cache' } } });
    expect(patched.metadata.labels).toEqual({ tier: 'cache' });
    await client.delete('svc', 'c');
    await expect(client.get('svc', 'c')).rejects.toMatchObject({ status: 404 });
  });

  it('applies JSON and YAML, dry run with diffs, idempotently', async () => {
    const first = await client.apply([svc('applied', 'apply')], { owner: 'me' });
    expect(first.results).toEqual([
      expect.objectContaining({ name: 'applied', action: 'created' }),
    ]);
    const yaml = `apiVersion: crossway.dev/v1alpha1\nkind: Service\nmetadata: {name: applied, namespace: apply, labels: {}}\nspec:\n  ports: [{name: http, port: 81, protocol: http}]\n`;
    const dry = await client.apply(yaml, { dryRun: true, owner: 'me' });
    expect(dry.results[0]?.action).toBe('configured');
    expect(dry.results[0]?.diff?.some((d) => d.path.includes('port'))).toBe(true);
    const again = await client.apply([svc('applied', 'apply')], { owner: 'me' });
    expect(again.results[0]?.action).toBe('unchanged');
  });

  it('turns problem+json into a readable CrosswayApiError with field paths', async () => {
    const bad = {
      ...svc('bad'),
      spec: { ports: [{ name: 'http', port: 99999, protocol: 'http' }] },
    };
    const error = await client.create(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrosswayApiError);
    const apiError = error as CrosswayApiError;
    expect(apiError.status).toBe(422);
    expect(apiError.code).not.toBe('');
    expect(apiError.errors.some((e) => e.path.includes('spec.ports[0].port'))).toBe(true);
    expect(apiError.message).toMatch(/HTTP 422/);
    expect(apiError.message).toContain('spec.ports[0].port');
    expect(() => client.list('widgets')).toThrow(UnknownKindError);
  });

  it('issues, lists and revokes tokens', async () => {
    const token = await client.createToken({ type: 'api', role: 'viewer', ttl: '1h' });
    expect((await client.listTokens()).some((t) => t['id'] === token.id)).toBe(true);
    await client.deleteToken(token.id);
    expect((await client.listTokens()).some((t) => t['id'] === token.id)).toBe(false);
  });

  it('streams watch events as an async iterator', async () => {
    const controller = new AbortController();
    const seen: WatchEvent[] = [];
    const watching = (async () => {
      for await (const event of client.watch(
        { kind: 'svc', namespace: 'watched' },
        controller.signal,
      )) {
        seen.push(event);
        if (event.type === 'ADDED') controller.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    await client.create(svc('w', 'watched'));
    await Promise.race([
      watching,
      new Promise((_, reject) => setTimeout(() => reject(new Error('no event')), 5000)),
    ]);
    expect(seen.find((e) => e.type === 'ADDED')).toMatchObject({
      type: 'ADDED',
      object: { metadata: { name: 'w' } },
    });
  });
});

describe('retries', () => {
  let server: Server;
  let hits = 0;
  let url = '';
  beforeAll(async () => {
    server = createServer((request, response) => {
      hits++;
      if (hits % 3 !== 0) {
        response.writeHead(503, { 'content-type': 'application/problem+json' });
        response.end(
          JSON.stringify({ title: 'Store unavailable', status: 503, code: 'store_unavailable' }),
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ items: [], method: request.method }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('retries a GET on 503 up to 3 tries, never a write', async () => {
    const c = new CrosswayClient({ server: url, retryDelayMs: 5 });
    hits = 0;
    expect(await c.proxies()).toEqual([]);
    expect(hits).toBe(3);
    hits = 0;
    await expect(c.apply([])).rejects.toMatchObject({ status: 503, code: 'store_unavailable' });
    expect(hits).toBe(1);
  });
});
