import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { service, startHarness, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

const base = '/api/v1/namespaces/shop/services';

describe('CRUD', () => {
  it('create answers 201 with server-owned metadata; read answers 200 with an ETag', async () => {
    const created = await h.request({ method: 'POST', url: base, payload: service('web') });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body.metadata).toMatchObject({ name: 'web', namespace: 'shop', generation: 1 });
    expect(body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.metadata.resourceVersion).toMatch(/^[0-9]+$/);
    expect(body.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(body.spec.serviceAccount).toBe('web');
    const read = await h.request({ method: 'GET', url: `${base}/web` });
    expect(read.statusCode).toBe(200);
    expect(read.headers.etag).toBe(`"${body.metadata.resourceVersion}"`);
    expect(read.json()).toEqual(body);
  });

  it('answers are never cached (a browser must not show an object older than a save)', async () => {
    await h.request({ method: 'POST', url: base, payload: service('web') });
    const read = await h.request({ method: 'GET', url: `${base}/web` });
    expect(read.headers['cache-control']).toBe('no-store');
    const denied = await h.request({ method: 'GET', url: `${base}/web`, token: null });
    expect(denied.statusCode).toBe(401);
    expect(denied.headers['cache-control']).toBe('no-store');
  });

  it('create of an existing object answers 409 and changes nothing', async () => {
    await h.request({ method: 'POST', url: base, payload: service('web') });
    const revision = await h.store.revision();
    const again = await h.request({
      method: 'POST',
      url: base,
      payload: service('web', 'shop', 81),
    });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(await h.store.revision()).toBe(revision);
  });

  it('an invalid object answers 422 listing every violation with its field path', async () => {
    const bad = service('web');
    bad.spec.ports[0]!.port = 0;
    (bad.spec as Record<string, unknown>)['portz'] = [];
    const answer = await h.request({ method: 'POST', url: base, payload: bad });
    expect(answer.statusCode).toBe(422);
    expect(answer.json().errors).toEqual(
      expect.arrayContaining([
        { path: 'spec.ports[0].port', message: 'must be an integer from 1 to 65535' },
        { path: 'spec.portz', message: 'unknown field' },
      ]),
    );
  });

  it('a namespace in the body that disagrees with the URL answers 422 at metadata.namespace', async () => {
    const answer = await h.request({ method: 'POST', url: base, payload: service('web', 'other') });
    expect(answer.statusCode).toBe(422);
    expect(answer.json().errors[0].path).toBe('metadata.namespace');
  });

  it('PUT never creates: 404 for a missing object', async () => {
    const answer = await h.request({ method: 'PUT', url: `${base}/web`, payload: service('web') });
    expect(answer.statusCode).toBe(404);
    expect(await h.request({ method: 'GET', url: `${base}/web` }).then((r) => r.statusCode)).toBe(
      404,
    );
  });

  it('PUT bumps generation on a spec change only and keeps uid and creationTimestamp', async () => {
    const created = (
      await h.request({ method: 'POST', url: base, payload: service('web') })
    ).json();
    const relabelled = service('web');
    relabelled.metadata.labels = { team: 'platform' };
    const afterLabels = (
      await h.request({ method: 'PUT', url: `${base}/web`, payload: relabelled })
    ).json();
    expect(afterLabels.metadata.generation).toBe(1);
    expect(Number(afterLabels.metadata.resourceVersion)).toBeGreaterThan(
      Number(created.metadata.resourceVersion),
    );
    const respec = service('web', 'shop', 8080);
    const afterSpec = (
      await h.request({ method: 'PUT', url: `${base}/web`, payload: respec })
    ).json();
    expect(afterSpec.metadata).toMatchObject({
      generation: 2,
      uid: created.metadata.uid,
      creationTimestamp: created.metadata.creationTimestamp,
    });
  });

  it('GET then PUT of the same body round-trips; a stale resourceVersion answers 409', async () => {
    await h.request({ method: 'POST', url: base, payload: service('web') });
    const read = (await h.request({ method: 'GET', url: `${base}/web` })).json();
    const first = await h.request({
      method: 'PUT',
      url: `${base}/web`,
      payload: { ...read, spec: { ...read.spec, ports: [{ name: 'http', port: 81 }] } },
    });
    expect(first.statusCode).toBe(200);
    const stale = await h.request({ method: 'PUT', url: `${base}/web`, payload: read });
    expect(stale.statusCode).toBe(409);
    expect((await h.request({ method: 'GET', url: `${base}/web` })).json().spec.ports[0].port).toBe(
      81,
    );
  });

  it('If-Match with a stale ETag answers 412', async () => {
    const created = (
      await h.request({ method: 'POST', url: base, payload: service('web') })
    ).json();
    await h.request({ method: 'PUT', url: `${base}/web`, payload: service('web', 'shop', 81) });
    const answer = await h.request({
      method: 'PUT',
      url: `${base}/web`,
      payload: service('web', 'shop', 82),
      headers: { 'if-match': `"${created.metadata.resourceVersion}"` },
    });
    expect(answer.statusCode).toBe(412);
    const del = await h.request({
      method: 'DELETE',
      url: `${base}/web`,
      headers: { 'if-match': `"${created.metadata.resourceVersion}"` },
    });
    expect(del.statusCode).toBe(412);
  });

  it('PATCH applies a JSON merge patch and validates the result', async () => {
    await h.request({ method: 'POST', url: base, payload: service('web') });
    const patched = await h.request({
      method: 'PATCH',
      url: `${base}/web`,
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: JSON.stringify({
        metadata: { labels: { team: null, tier: 'front' } },
        spec: { serviceAccount: 'web-sa' },
      }),
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().metadata.labels).toEqual({ tier: 'front' });
    expect(patched.json().spec.serviceAccount).toBe('web-sa');
    const invalid = await h.request({
      method: 'PATCH',
      url: `${base}/web`,
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: JSON.stringify({ spec: { ports: [{ name: 'http', port: 70000 }] } }),
    });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().errors[0].path).toBe('spec.ports[0].port');
  });

  it('DELETE answers 200 with the deleted object, then 404', async () => {
    await h.request({ method: 'POST', url: base, payload: service('web') });
    const deleted = await h.request({ method: 'DELETE', url: `${base}/web` });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json().metadata.name).toBe('web');
    expect((await h.request({ method: 'DELETE', url: `${base}/web` })).statusCode).toBe(404);
  });

  it('the Mesh exists at /api/v1/meshes/default and PATCH changes it', async () => {
    await h
      .request({ method: 'GET', url: '/api/v1/meshes/default' })
      .then((r) => expect(r.statusCode).toBe(200));
    const patched = await h.request({
      method: 'PATCH',
      url: '/api/v1/meshes/default',
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: JSON.stringify({ spec: { mtls: { mode: 'STRICT' } } }),
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().spec).toMatchObject({
      mtls: { mode: 'STRICT' },
      trustDomain: 'cluster.local',
    });
  });

  it('server-owned metadata and status from the client are ignored', async () => {
    const body = {
      ...service('web'),
      status: { conditions: [{ type: 'Accepted', status: 'True' }] },
    };
    Object.assign(body.metadata, {
      uid: 'mine',
      generation: 99,
      creationTimestamp: '2000-01-01T00:00:00Z',
    });
    const created = (await h.request({ method: 'POST', url: base, payload: body })).json();
    expect(created.metadata.uid).not.toBe('mine');
    expect(created.metadata.generation).toBe(1);
    expect(created.metadata.creationTimestamp).not.toBe('2000-01-01T00:00:00Z');
    expect(created.status).toBeUndefined();
  });
});

describe('lists', () => {
  beforeEach(async () => {
    for (const [name, ns] of [
      ['a', 'shop'],
      ['b', 'shop'],
      ['c', 'shop'],
      ['d', 'payments'],
    ] as const) {
      const s = service(name, ns);
      if (name === 'b') s.metadata.labels = { team: 'payments' };
      await h.request({ method: 'POST', url: `/api/v1/namespaces/${ns}/services`, payload: s });
    }
  });

  it('lists within a namespace and across namespaces', async () => {
    const inShop = (await h.request({ method: 'GET', url: base })).json();
    expect(inShop.items.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(inShop.metadata.resourceVersion).toMatch(/^[0-9]+$/);
    const all = (await h.request({ method: 'GET', url: '/api/v1/services' })).json();
    expect(all.items.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual([
      'd',
      'a',
      'b',
      'c',
    ]);
  });

  it('filters by label selector', async () => {
    const selected = (
      await h.request({ method: 'GET', url: `${base}?labelSelector=team%3Dweb` })
    ).json();
    expect(selected.items.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual([
      'a',
      'c',
    ]);
    const notIn = (
      await h.request({ method: 'GET', url: '/api/v1/services?labelSelector=team%20notin%20(web)' })
    ).json();
    expect(notIn.items.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual(['b']);
    const bad = await h.request({ method: 'GET', url: `${base}?labelSelector=team%20in%20web` });
    expect(bad.statusCode).toBe(400);
  });

  it('pages with limit and continue at one revision', async () => {
    const first = (await h.request({ method: 'GET', url: '/api/v1/services?limit=2' })).json();
    expect(first.items).toHaveLength(2);
    expect(first.metadata.continue).toBeTruthy();
    await h.request({ method: 'POST', url: base, payload: service('zz') });
    const second = (
      await h.request({
        method: 'GET',
        url: `/api/v1/services?limit=2&continue=${encodeURIComponent(first.metadata.continue)}`,
      })
    ).json();
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect(
      [...first.items, ...second.items].map((o: { metadata: { name: string } }) => o.metadata.name),
    ).toEqual(['d', 'a', 'b', 'c']);
  });
});
