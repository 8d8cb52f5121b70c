import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { service, startHarness, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

const shopYaml = readFileSync(new URL('../../../examples/shop.yaml', import.meta.url), 'utf8');
const yaml = (payload: string, url = '/api/v1/apply') =>
  h.request({ method: 'POST', url, headers: { 'content-type': 'application/yaml' }, payload });

describe('apply', () => {
  it('creates every object of a multi-document YAML set, then reports all unchanged without a revision bump', async () => {
    const first = await yaml(shopYaml);
    expect(first.statusCode).toBe(200);
    const results = first.json().results as { action: string }[];
    expect(results.length).toBe(19);
    expect(new Set(results.map((r) => r.action))).toEqual(new Set(['created', 'configured']));
    const revision = await h.store.revision();
    const second = await yaml(shopYaml);
    expect(second.json().results.every((r: { action: string }) => r.action === 'unchanged')).toBe(
      true,
    );
    expect(await h.store.revision()).toBe(revision);
  });

  it('configures only what changed and keeps creationTimestamp', async () => {
    await h.request({
      method: 'POST',
      url: '/api/v1/apply',
      payload: [service('a'), service('b')],
    });
    const before = (
      await h.request({ method: 'GET', url: '/api/v1/namespaces/shop/services/b' })
    ).json();
    const answer = await h.request({
      method: 'POST',
      url: '/api/v1/apply',
      payload: [service('a'), service('b', 'shop', 81)],
    });
    expect(
      answer.json().results.map((r: { name: string; action: string }) => `${r.name}:${r.action}`),
    ).toEqual(['a:unchanged', 'b:configured']);
    const after = (
      await h.request({ method: 'GET', url: '/api/v1/namespaces/shop/services/b' })
    ).json();
    expect(after.metadata.creationTimestamp).toBe(before.metadata.creationTimestamp);
    expect(after.metadata.generation).toBe(2);
  });

  it('dryRun writes nothing and returns a field-level diff', async () => {
    await h.request({ method: 'POST', url: '/api/v1/apply', payload: [service('a')] });
    const revision = await h.store.revision();
    const answer = await h.request({
      method: 'POST',
      url: '/api/v1/apply?dryRun=true',
      payload: [service('a', 'shop', 81), service('new')],
    });
    expect(answer.statusCode).toBe(200);
    const [a, created] = answer.json().results;
    expect(a).toMatchObject({
      name: 'a',
      action: 'configured',
      diff: [{ path: 'spec.ports[0].port', op: 'replace', from: 80, to: 81 }],
    });
    expect(created).toMatchObject({ name: 'new', action: 'created' });
    expect(await h.store.revision()).toBe(revision);
    expect(
      (await h.request({ method: 'GET', url: '/api/v1/namespaces/shop/services/new' })).statusCode,
    ).toBe(404);
  });

  it("prune deletes only that owner's objects that are absent from the set", async () => {
    await h.request({
      method: 'POST',
      url: '/api/v1/apply?owner=git-a',
      payload: [service('a'), service('b')],
    });
    await h.request({ method: 'POST', url: '/api/v1/apply?owner=git-b', payload: [service('c')] });
    await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/shop/services',
      payload: service('manual'),
    });
    const answer = await h.request({
      method: 'POST',
      url: '/api/v1/apply?prune=true&owner=git-a',
      payload: [service('a')],
    });
    expect(
      answer.json().results.map((r: { name: string; action: string }) => `${r.name}:${r.action}`),
    ).toEqual(['a:unchanged', 'b:pruned']);
    const names = (await h.request({ method: 'GET', url: '/api/v1/namespaces/shop/services' }))
      .json()
      .items.map((o: { metadata: { name: string } }) => o.metadata.name);
    expect(names).toEqual(['a', 'c', 'manual']);
    const owned = (
      await h.request({ method: 'GET', url: '/api/v1/namespaces/shop/services/a' })
    ).json();
    expect(owned.metadata.annotations['crossway.dev/owner']).toBe('git-a');
  });

  it('one invalid object rejects the whole set with paths naming the item, and writes nothing', async () => {
    const revision = await h.store.revision();
    const bad = service('b');
    bad.spec.ports[0]!.port = -1;
    const answer = await h.request({
      method: 'POST',
      url: '/api/v1/apply',
      payload: [service('a'), bad],
    });
    expect(answer.statusCode).toBe(422);
    expect(answer.json().errors).toEqual([
      { path: 'items[1].spec.ports[0].port', message: 'must be an integer from 1 to 65535' },
    ]);
    expect(await h.store.revision()).toBe(revision);
  });

  it('the same object twice in a set is a 422', async () => {
    const answer = await h.request({
      method: 'POST',
      url: '/api/v1/apply',
      payload: [service('a'), service('a')],
    });
    expect(answer.statusCode).toBe(422);
    expect(answer.json().errors[0]).toMatchObject({ path: 'items[1]' });
  });

  it('prune without an owner is refused', async () => {
    const answer = await h.request({
      method: 'POST',
      url: '/api/v1/apply?prune=true',
      payload: [service('a')],
    });
    expect(answer.statusCode).toBe(400);
  });
});

describe('large apply', () => {
  it('a set larger than one etcd transaction is written whole, and a second apply leaves it unchanged', async () => {
    const set = Array.from({ length: 300 }, (_, i) =>
      service(`bulk-${String(i).padStart(3, '0')}`),
    );
    const first = await h.request({
      method: 'POST',
      url: '/api/v1/apply?owner=bulk',
      payload: set,
    });
    expect(first.statusCode).toBe(200);
    expect(
      first.json().results.filter((r: { action: string }) => r.action === 'created'),
    ).toHaveLength(300);
    const listed = (
      await h.request({
        method: 'GET',
        url: '/api/v1/namespaces/shop/services?labelSelector=team%3Dweb',
      })
    ).json();
    expect(listed.items).toHaveLength(300);
    expect(await h.store.openApplyMarkers()).toEqual([]);
    const revision = await h.store.revision();
    const second = await h.request({
      method: 'POST',
      url: '/api/v1/apply?owner=bulk',
      payload: set,
    });
    expect(second.json().results.every((r: { action: string }) => r.action === 'unchanged')).toBe(
      true,
    );
    expect(await h.store.revision()).toBe(revision);
  });

  it('a large prune deletes every object of the owner missing from the set', async () => {
    const set = Array.from({ length: 150 }, (_, i) => service(`p-${i}`));
    await h.request({ method: 'POST', url: '/api/v1/apply?owner=big', payload: set });
    const answer = await h.request({
      method: 'POST',
      url: '/api/v1/apply?owner=big&prune=true',
      payload: set.slice(0, 10),
    });
    expect(
      answer.json().results.filter((r: { action: string }) => r.action === 'pruned'),
    ).toHaveLength(140);
    expect(
      (await h.request({ method: 'GET', url: '/api/v1/namespaces/shop/services' })).json().items,
    ).toHaveLength(10);
  });
});

const stamped = (name: string, commit: string, port = 80) => {
  const object = service(name, 'shop', port);
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: {
        'crossway.dev/source-file': `policies/${name}.yaml`,
        'crossway.dev/source-commit': commit,
      },
    },
  };
};
const actions = (answer: { json(): { results: { name: string; action: string }[] } }) =>
  answer.json().results.map((r) => `${r.name}:${r.action}`);
const annotationsOf = async (name: string) =>
  (await h.request({ method: 'GET', url: `/api/v1/namespaces/shop/services/${name}` })).json()
    .metadata.annotations as Record<string, string>;

describe('apply: source-commit stamps', () => {
  it('a new commit alone changes nothing: unchanged, no revision bump, the stored commit stays', async () => {
    await h.request({
      method: 'POST',
      url: '/api/v1/apply?owner=git',
      payload: [stamped('a', 'c1'), stamped('b', 'c1')],
    });
    const revision = await h.store.revision();
    const again = await h.request({
      method: 'POST',
      url: '/api/v1/apply?owner=git&prune=true',
      payload: [stamped('a', 'c2'), stamped('b', 'c2')],
    });
    expect(again.statusCode).toBe(200);
    expect(actions(again)).toEqual(['a:unchanged', 'b:unchanged']);
    expect(await h.store.revision()).toBe(revision);
    expect((await annotationsOf('a'))['crossway.dev/source-commit']).toBe('c1');
  });

  it('an object that really changed is written with the new commit; the others keep theirs', async () => {
    await h.request({
      method: 'POST',
      url: '/api/v1/apply?owner=git',
      payload: [stamped('a', 'c1'), stamped('b', 'c1')],
    });
    const dry = await h.request({
      method: 'POST',
      url: '/api/v1/apply?owner=git&dryRun=true',
      payload: [stamped('a', 'c3'), stamped('b', 'c3', 81)],
    });
    expect(actions(dry)).toEqual(['a:unchanged', 'b:configured']);
    expect(dry.json().results[1].diff).toEqual(
      expect.arrayContaining([
        { path: 'spec.ports[0].port', op: 'replace', from: 80, to: 81 },
        expect.objectContaining({ from: 'c1', to: 'c3' }),
      ]),
    );
    const answer = await h.request({
      method: 'POST',
      url: '/api/v1/apply?owner=git',
      payload: [stamped('a', 'c3'), stamped('b', 'c3', 81)],
    });
    expect(actions(answer)).toEqual(['a:unchanged', 'b:configured']);
    expect((await annotationsOf('a'))['crossway.dev/source-commit']).toBe('c1');
    expect(await annotationsOf('b')).toEqual({
      'crossway.dev/owner': 'git',
      'crossway.dev/source-file': 'policies/b.yaml',
      'crossway.dev/source-commit': 'c3',
    });
  });

  it('a moved source file is a change', async () => {
    await h.request({ method: 'POST', url: '/api/v1/apply', payload: [stamped('a', 'c1')] });
    const moved = stamped('a', 'c2');
    moved.metadata.annotations['crossway.dev/source-file'] = 'policies/renamed.yaml';
    const answer = await h.request({ method: 'POST', url: '/api/v1/apply', payload: [moved] });
    expect(actions(answer)).toEqual(['a:configured']);
    expect(await annotationsOf('a')).toMatchObject({
      'crossway.dev/source-file': 'policies/renamed.yaml',
      'crossway.dev/source-commit': 'c2',
    });
  });
});

describe('apply: owner conflicts', () => {
  const seed = async () => {
    const first = await h.request({
      method: 'POST',
      url: '/api/v1/apply?owner=git-a',
      payload: [service('web'), service('api')],
    });
    expect(first.statusCode).toBe(200);
  };

  it('an object another owner holds answers 409 naming it and its owner, and writes nothing', async () => {
    await seed();
    const revision = await h.store.revision();
    for (const url of ['/api/v1/apply?owner=git-b', '/api/v1/apply?owner=git-b&dryRun=true']) {
      const answer = await h.request({
        method: 'POST',
        url,
        payload: [service('new'), service('web', 'shop', 81)],
      });
      expect(answer.statusCode, url).toBe(409);
      expect(answer.headers['content-type']).toContain('application/problem+json');
      expect(answer.json()).toMatchObject({ code: 'Conflict', status: 409 });
      expect(answer.json().errors).toEqual([
        {
          path: 'items[1]',
          message:
            'Service shop/web is owned by "git-a"; apply with takeOwnership=true to take it over',
        },
      ]);
    }
    expect(await h.store.revision()).toBe(revision);
    expect(
      (await h.request({ method: 'GET', url: '/api/v1/namespaces/shop/services/new' })).statusCode,
    ).toBe(404);
    expect((await annotationsOf('web'))['crossway.dev/owner']).toBe('git-a');
  });

  it('takeOwnership=true moves the object to the new owner; the old owner no longer prunes it', async () => {
    await seed();
    const answer = await h.request({
      method: 'POST',
      url: '/api/v1/apply?owner=git-b&takeOwnership=true',
      payload: [service('web')],
    });
    expect(answer.statusCode).toBe(200);
    expect(actions(answer)).toEqual(['web:configured']);
    expect((await annotationsOf('web'))['crossway.dev/owner']).toBe('git-b');
    const prune = await h.request({
      method: 'POST',
      url: '/api/v1/apply?owner=git-a&prune=true',
      payload: [service('api')],
    });
    expect(actions(prune)).toEqual(['api:unchanged']);
    expect(
      (await h.request({ method: 'GET', url: '/api/v1/namespaces/shop/services/web' })).statusCode,
    ).toBe(200);
  });

  it('objects without an owner are adopted silently', async () => {
    await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/shop/services',
      payload: service('manual'),
    });
    const answer = await h.request({
      method: 'POST',
      url: '/api/v1/apply?owner=git-a',
      payload: [service('manual')],
    });
    expect(answer.statusCode).toBe(200);
    expect(actions(answer)).toEqual(['manual:configured']);
    expect((await annotationsOf('manual'))['crossway.dev/owner']).toBe('git-a');
  });

  it('an apply without owner writes the annotations it is given: an owned object loses its owner', async () => {
    await seed();
    const answer = await h.request({
      method: 'POST',
      url: '/api/v1/apply',
      payload: [service('web')],
    });
    expect(answer.statusCode).toBe(200);
    expect(actions(answer)).toEqual(['web:configured']);
    expect((await annotationsOf('web'))?.['crossway.dev/owner']).toBeUndefined();
  });

  it('takeOwnership without owner is refused', async () => {
    const answer = await h.request({
      method: 'POST',
      url: '/api/v1/apply?takeOwnership=true',
      payload: [service('a')],
    });
    expect(answer.statusCode).toBe(400);
    expect(answer.json().errors).toEqual([
      { path: 'owner', message: 'is required with takeOwnership' },
    ]);
  });
});
