// PUT goes straight to the store's transaction (no read first, except for Secrets):
// these tests pin the answers that used to come from that read — 404 with its hint,
// 412 for a stale If-Match, 409 for a stale body resourceVersion, the audit result —
// and that concurrent PUTs to different objects each get their own answer.
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore, type Store } from '@crossway/store';
import { build } from '../src/server';
import { storeTokenRecords } from '../src/token-records';
import { ADMIN, capturedLogger, service } from './harness';

const base = '/api/v1/namespaces/shop/services';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function start() {
  const { logger, lines } = capturedLogger();
  const inner = new MemoryStore();
  let gets = 0;
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'get') {
        return (...args: Parameters<Store['get']>) => {
          gets += 1;
          return target.get(...args);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const app = await build({ store, tokens: storeTokenRecords(store), adminToken: ADMIN, logger });
  closers.push(async () => {
    await app.close();
    await inner.close();
  });
  const request = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers = {}) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${ADMIN}`, ...headers },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  const audits = () =>
    lines
      .map((l) => l['audit'])
      .filter((a): a is Record<string, unknown> => typeof a === 'object' && a !== null);
  return { store: inner, request, audits, gets: () => gets };
}

describe('PUT', () => {
  it('of a missing object answers 404 with a hint to POST, and creates nothing', async () => {
    const api = await start();
    const answer = await api.request('PUT', `${base}/web`, service('web'));
    expect(answer.statusCode).toBe(404);
    expect(answer.json().detail).toBe(
      'Service shop/web not found (PUT does not create; POST to the collection)',
    );
    expect((await api.request('GET', `${base}/web`)).statusCode).toBe(404);
  });

  it('checks If-Match and the body resourceVersion against the stored object without reading it first', async () => {
    const api = await start();
    const created = (await api.request('POST', base, service('web'))).json();
    const rv: string = created.metadata.resourceVersion;
    const getsBefore = api.gets();
    const fresh = await api.request('PUT', `${base}/web`, service('web', 'shop', 81), {
      'if-match': `"${rv}"`,
    });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers.etag).toBe(`"${fresh.json().metadata.resourceVersion}"`);
    const stale = await api.request('PUT', `${base}/web`, service('web', 'shop', 82), {
      'if-match': `"${rv}"`,
    });
    expect(stale.statusCode).toBe(412);
    const body = { ...service('web', 'shop', 83) };
    body.metadata = { ...body.metadata, resourceVersion: rv } as typeof body.metadata;
    expect((await api.request('PUT', `${base}/web`, body)).statusCode).toBe(409);
    expect(api.gets()).toBe(getsBefore);
    const stored = (await api.request('GET', `${base}/web`)).json();
    expect(stored.spec.ports[0].port).toBe(81);
  });

  it('audits a changing PUT as updated and a repeated one as unchanged', async () => {
    const api = await start();
    await api.request('POST', base, service('web'));
    await api.request('POST', base, service('other'));
    await api.request('PUT', `${base}/web`, service('web', 'shop', 81));
    await api.request('PUT', `${base}/other`, service('other', 'shop', 90));
    const again = await api.request('PUT', `${base}/web`, service('web', 'shop', 81));
    expect(again.statusCode).toBe(200);
    // The object that was the store's last write, PUT again unchanged.
    await api.request('PUT', `${base}/other`, service('other', 'shop', 90));
    const updates = api.audits().filter((a) => a['action'] === 'update');
    expect(updates.map((a) => `${String(a['object'])}:${String(a['result'])}`)).toEqual([
      'Service/shop/web:updated',
      'Service/shop/other:updated',
      'Service/shop/web:unchanged',
      'Service/shop/other:unchanged',
    ]);
  });

  it('sixteen concurrent PUTs to different objects each answer with their own object', async () => {
    const api = await start();
    const names = Array.from({ length: 16 }, (_, i) => `s${i}`);
    for (const name of names) await api.request('POST', base, service(name));
    const answers = await Promise.all(
      names.map((name, i) =>
        api.request('PUT', `${base}/${name}`, service(name, 'shop', 1000 + i)),
      ),
    );
    for (const [i, answer] of answers.entries()) {
      expect(answer.statusCode).toBe(200);
      const read = await api.request('GET', `${base}/s${i}`);
      expect(read.json()).toEqual(answer.json());
      expect(read.json().spec.ports[0].port).toBe(1000 + i);
    }
  });
});
