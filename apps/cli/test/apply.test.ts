// apply, diff and delete -f through the CLI against a real API server.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossway, service, startApi, writeTree, type Api } from './support/harness';

let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api.close());

const revisionOf = async (name: string): Promise<string> => {
  const got = await crossway(['get', 'service', name, '-o', 'json'], { url: api.url });
  return (JSON.parse(got.stdout) as { metadata: { resourceVersion: string } }).metadata
    .resourceVersion;
};

describe('crossway apply', () => {
  it('applies a directory in sorted order; a second apply is all unchanged and bumps no revision', async () => {
    const dir = writeTree({
      'b/web.yaml': service('web') + '---\n' + service('api'),
      'a/db.json': JSON.stringify([
        JSON.parse(
          JSON.stringify({
            apiVersion: 'crossway.dev/v1alpha1',
            kind: 'Service',
            metadata: { name: 'db' },
            spec: { ports: [{ name: 'tcp', port: 5432, protocol: 'tcp' }] },
          }),
        ),
      ]),
      'README.md': 'not a manifest',
    });
    const first = await crossway(['apply', '-f', dir], { url: api.url });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim().split('\n')).toEqual([
      'service/default/db created',
      'service/default/web created',
      'service/default/api created',
    ]);
    const before = await revisionOf('web');
    const second = await crossway(['apply', '-f', dir], { url: api.url });
    expect(second.code).toBe(0);
    expect(second.stdout).not.toMatch(/created|configured/);
    expect(second.stdout.match(/unchanged/g)).toHaveLength(3);
    expect(second.stderr).toContain('0 created, 0 configured, 3 unchanged, 0 pruned');
    expect(await revisionOf('web')).toBe(before);
    const web = await crossway(['get', 'svc', 'web', '-o', 'yaml'], { url: api.url });
    expect(web.stdout).toContain('crossway.dev/source-file:');
  });

  it('names the file and line of a YAML parse error and writes nothing', async () => {
    const dir = writeTree({
      'ok.yaml': service('parse-ok'),
      'bad.yaml': 'kind: Service\nmetadata:\n  name: [x\n',
    });
    const got = await crossway(['apply', '-f', dir], { url: api.url });
    expect(got.code).toBe(1);
    expect(got.stderr).toMatch(/bad\.yaml:\d+:\d+: invalid YAML/);
    expect((await crossway(['get', 'svc', 'parse-ok'], { url: api.url })).code).toBe(3);
  });

  it('names the file, document and field path of an invalid object and writes nothing', async () => {
    const dir = writeTree({
      'good.yaml': service('valid-one'),
      'bad.yaml':
        service('second') + '---\n' + service('third').replace('port: 8080', 'port: 99999'),
    });
    const got = await crossway(['apply', '-f', dir], { url: api.url });
    expect(got.code).toBe(1);
    expect(got.stderr).toContain('bad.yaml (document 2): spec.ports[0].port');
    expect((await crossway(['get', 'svc', 'valid-one'], { url: api.url })).code).toBe(3);
  });

  it('prunes only the owner’s objects, refuses a large prune unless forced', async () => {
    const many = Array.from({ length: 8 }, (_, i) => service(`team-a-${i}`, 'prune')).join('---\n');
    const a = writeTree({ 'all.yaml': many });
    const b = writeTree({ 'b.yaml': service('team-b-0', 'prune') });
    expect((await crossway(['apply', '-f', a, '--owner', 'team-a'], { url: api.url })).code).toBe(
      0,
    );
    expect((await crossway(['apply', '-f', b, '--owner', 'team-b'], { url: api.url })).code).toBe(
      0,
    );

    // Dropping two of eight: under the limit of 5, pruned.
    const six = writeTree({
      'six.yaml': Array.from({ length: 6 }, (_, i) => service(`team-a-${i}`, 'prune')).join(
        '---\n',
      ),
    });
    const pruned = await crossway(['apply', '-f', six, '--owner', 'team-a', '--prune'], {
      url: api.url,
    });
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toContain('service/prune/team-a-7 pruned');
    expect(pruned.stdout).not.toContain('team-b');

    // Dropping all but one of six: 5 is not over 5, so lower the limit to see the refusal.
    const one = writeTree({ 'one.yaml': service('team-a-0', 'prune') });
    const refused = await crossway(
      ['apply', '-f', one, '--owner', 'team-a', '--prune', '--prune-limit', '3'],
      { url: api.url },
    );
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('would prune 5 of 6 objects owned by "team-a"');
    expect((await crossway(['get', 'svc', 'team-a-5', '-n', 'prune'], { url: api.url })).code).toBe(
      0,
    );

    const forced = await crossway(
      ['apply', '-f', one, '--owner', 'team-a', '--prune', '--prune-limit', '3', '--force'],
      { url: api.url },
    );
    expect(forced.code).toBe(0);
    const left = await crossway(['get', 'svc', '-n', 'prune', '-o', 'json'], { url: api.url });
    const names = (JSON.parse(left.stdout) as { items: { metadata: { name: string } }[] }).items
      .map((o) => o.metadata.name)
      .sort();
    expect(names).toEqual(['team-a-0', 'team-b-0']);
  });

  it('stamps the git commit and repository-relative file; re-apply at the same commit is unchanged', async () => {
    const repo = writeTree({ 'policies/svc.yaml': service('in-git', 'git') });
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: repo,
        encoding: 'utf8',
      }).trim();
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'first');
    const head = git('rev-parse', 'HEAD');
    const first = await crossway(['apply', '-f', join(repo, 'policies')], { url: api.url });
    expect(first.code, first.stderr).toBe(0);
    const got = await crossway(['get', 'svc', 'in-git', '-n', 'git', '-o', 'json'], {
      url: api.url,
    });
    const annotations = (
      JSON.parse(got.stdout) as { metadata: { annotations: Record<string, string> } }
    ).metadata.annotations;
    expect(annotations['crossway.dev/source-commit']).toBe(head);
    expect(annotations['crossway.dev/source-file']).toBe('policies/svc.yaml');
    const again = await crossway(['apply', '-f', join(repo, 'policies')], { url: api.url });
    expect(again.stdout.trim()).toBe('service/git/in-git unchanged');
  });

  it('reads manifests from stdin with -f -', async () => {
    const got = await crossway(['apply', '-f', '-'], {
      url: api.url,
      stdin: service('from-stdin', 'stdin'),
    });
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toContain('service/stdin/from-stdin created');
  });

  it('needs --owner for --prune (usage error)', async () => {
    const dir = writeTree({ 'x.yaml': service('x') });
    expect((await crossway(['apply', '-f', dir, '--prune'], { url: api.url })).code).toBe(2);
  });

  it('diff shows changes (exit 6) and nothing after apply (exit 0); delete -f removes', async () => {
    const dir = writeTree({ 's.yaml': service('diffed', 'diff') });
    expect((await crossway(['apply', '-f', dir], { url: api.url })).code).toBe(0);
    const none = await crossway(['diff', '-f', dir], { url: api.url });
    expect(none.code).toBe(0);
    const changed = writeTree({ 's.yaml': service('diffed', 'diff', 9090) });
    // The source file annotation is relative to the temp dir, so it is the same; only the port differs.
    const got = await crossway(['diff', '-f', changed], { url: api.url });
    expect(got.code).toBe(6);
    expect(got.stdout).toContain('service/diff/diffed configured');
    expect(got.stdout).toMatch(/spec\.ports\[0\]\.port.*8080.*9090/);
    const deleted = await crossway(['delete', '-f', dir], { url: api.url });
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain('service/diff/diffed deleted');
    expect((await crossway(['get', 'svc', 'diffed', '-n', 'diff'], { url: api.url })).code).toBe(3);
  });
});
