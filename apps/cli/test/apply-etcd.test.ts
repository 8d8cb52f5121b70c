// apply's promises on the real store: against an API over etcd, a second apply of the
// same directory is all unchanged and bumps no revision, and prune removes only the
// owner's objects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdStore } from '@crossway/store';
import { etcdEndpointForTests, uniqueTestPrefix } from '@crossway/testing';
import { crossway, service, startApi, writeTree, type Api } from './support/harness';

let api: Api;
beforeAll(async () => {
  const endpoint = await etcdEndpointForTests();
  api = await startApi(
    new EtcdStore({ endpoints: endpoint.split(','), prefix: uniqueTestPrefix('cli-apply') }),
  );
});
afterAll(async () => api?.close());

describe('crossway apply on etcd', () => {
  it('is idempotent and prunes only the owner’s objects', async () => {
    const dir = writeTree({ 'a.yaml': service('one', 'etcd') + '---\n' + service('two', 'etcd') });
    const other = writeTree({ 'b.yaml': service('theirs', 'etcd') });
    expect((await crossway(['apply', '-f', other, '--owner', 'them'], { url: api.url })).code).toBe(
      0,
    );
    const first = await crossway(['apply', '-f', dir, '--owner', 'us'], { url: api.url });
    expect(first.code, first.stderr).toBe(0);
    const list = async (): Promise<Record<string, string>> => {
      const got = await crossway(['get', 'svc', '-n', 'etcd', '-o', 'json'], { url: api.url });
      const items = (
        JSON.parse(got.stdout) as {
          items: { metadata: { name: string; resourceVersion: string } }[];
        }
      ).items;
      return Object.fromEntries(items.map((o) => [o.metadata.name, o.metadata.resourceVersion]));
    };
    const before = await list();
    const second = await crossway(['apply', '-f', dir, '--owner', 'us'], { url: api.url });
    expect(second.stderr).toContain('0 created, 0 configured, 2 unchanged, 0 pruned');
    expect(await list()).toEqual(before);

    const onlyOne = writeTree({ 'a.yaml': service('one', 'etcd') });
    const pruned = await crossway(['apply', '-f', onlyOne, '--owner', 'us', '--prune'], {
      url: api.url,
    });
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(Object.keys(await list()).sort()).toEqual(['one', 'theirs']);
  });
});
