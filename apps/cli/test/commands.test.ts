// get, describe, explain, preview, proxies, token and error handling through the CLI
// against a real API server holding examples/shop.yaml.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, crossway, startApi, tempDir, type Api } from './support/harness';

const shop = fileURLToPath(new URL('../../../examples/shop.yaml', import.meta.url));

let api: Api;
beforeAll(async () => {
  api = await startApi();
  const applied = await crossway(['apply', '-f', shop], { url: api.url });
  expect(applied.code, applied.stderr).toBe(0);
});
afterAll(async () => api.close());

describe('crossway get', () => {
  it('prints a kubectl-like table, across namespaces with -A, filtered by -l', async () => {
    const got = await crossway(['get', 'services', '-A', '-l', 'team=payments'], { url: api.url });
    expect(got.code).toBe(0);
    const lines = got.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+STATUS\s+AGE$/);
    expect(
      lines
        .slice(1)
        .map((l) => l.split(/\s+/).slice(0, 2).join('/'))
        .sort(),
    ).toEqual(['payments/payments', 'shop/checkout']);
    const wide = await crossway(['get', 'svc', '-n', 'shop', '-o', 'wide'], { url: api.url });
    expect(wide.stdout.split('\n')[0]).toContain('GENERATION');
  });

  it('prints one object as yaml or json', async () => {
    const yaml = await crossway(['get', 'gateway', 'public', '-n', 'edge', '-o', 'yaml'], {
      url: api.url,
    });
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toContain('kind: Gateway');
    const json = await crossway(['get', 'mesh', 'default', '-o', 'json'], { url: api.url });
    expect((JSON.parse(json.stdout) as { kind: string }).kind).toBe('Mesh');
  });

  it('answers exit 3 for a missing object, 2 for an unknown kind or flag', async () => {
    const missing = await crossway(['get', 'svc', 'nope', '-n', 'shop'], { url: api.url });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/not found/i);
    expect((await crossway(['get', 'widgets'], { url: api.url })).code).toBe(2);
    expect((await crossway(['get', 'svc', '--bogus'], { url: api.url })).code).toBe(2);
    expect((await crossway(['get', 'svc', '-o', 'xml'], { url: api.url })).code).toBe(2);
  });
});

describe('crossway describe', () => {
  it('shows spec, conditions, attached policies and affected proxies', async () => {
    const got = await crossway(['describe', 'svc', 'payments', '-n', 'payments'], { url: api.url });
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toContain('Name:        payments');
    expect(got.stdout).toMatch(/Spec:\n\s+ports:/);
    expect(got.stdout).toContain('TrafficPolicy/payments/payments-resilience');
    expect(got.stdout).toContain('AuthorizationPolicy/payments/payments-callers');
    expect(got.stdout).toMatch(/Affected proxies:\n\s+<none>/);
  });
});

describe('crossway explain and preview', () => {
  it('explains an edge request: route and backends', async () => {
    const got = await crossway(
      [
        'explain',
        '--gateway',
        'edge/public',
        '--host',
        'shop.example.com',
        '--path',
        '/api/items',
        '--port',
        '8080',
      ],
      { url: api.url },
    );
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toMatch(/Route:\s+HTTPRoute\/shop\/storefront rule \d+/);
    expect(got.stdout).toMatch(/Backend:\s+shop\/frontend/);
  });

  it('explain needs exactly one of --gateway/--source', async () => {
    expect((await crossway(['explain', '--host', 'a'], { url: api.url })).code).toBe(2);
  });

  it('previews an edge: its listeners and clusters', async () => {
    const got = await crossway(['preview', '--role', 'edge', '--gateway', 'edge/public'], {
      url: api.url,
    });
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toMatch(/^TYPE\s+NAME\s+VERSION/);
    expect(got.stdout).toMatch(/listeners\s+\S+/);
    expect(got.stdout).toMatch(/clusters\s+\S+/);
    const json = await crossway(
      ['preview', '--role', 'edge', '--gateway', 'edge/public', '-o', 'json'],
      { url: api.url },
    );
    expect((JSON.parse(json.stdout) as { role: string }).role).toBe('edge');
    const missing = await crossway(['preview', '--role', 'edge', '--gateway', 'edge/none'], {
      url: api.url,
    });
    expect(missing.code).toBe(3);
  });

  it('lists no proxies when none are connected; config of an unknown proxy is exit 3', async () => {
    const got = await crossway(['proxies'], { url: api.url });
    expect(got.code).toBe(0);
    expect(got.stderr).toContain('No proxies connected.');
    expect((await crossway(['config', 'nobody'], { url: api.url })).code).toBe(3);
  });
});

describe('crossway token, errors and contexts', () => {
  it('creates a viewer token that can read but not write (readable 403)', async () => {
    const created = await crossway(['token', 'create', '--role', 'viewer', '--ttl', '1h'], {
      url: api.url,
    });
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^cw_[0-9a-f]{16}_/);
    const env = { CROSSWAY_SERVER: api.url, CROSSWAY_TOKEN: token };
    expect((await crossway(['get', 'svc', '-n', 'shop'], { env })).code).toBe(0);
    const denied = await crossway(['delete', 'svc', 'frontend', '-n', 'shop'], { env });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/HTTP 403/);
  });

  it('turns a 422 into field paths', async () => {
    const bad = await crossway(['token', 'create', '--role', 'viewer', '--ttl', 'forever'], {
      url: api.url,
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/HTTP 422/);
    expect(bad.stderr).toMatch(/ttl/);
  });

  it('reports an unreachable server with exit 5', async () => {
    const got = await crossway(['get', 'svc'], { env: { CROSSWAY_SERVER: 'http://127.0.0.1:1' } });
    expect(got.code).toBe(5);
    expect(got.stderr).toContain('cannot reach the Crossway server at http://127.0.0.1:1');
  });

  it('takes server and token from the config file’s contexts; use-context switches', async () => {
    const dir = tempDir();
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      `current-context: broken\ncontexts:\n  - name: broken\n    server: http://127.0.0.1:1\n  - name: test\n    server: ${api.url}\n    token: ${ADMIN_TOKEN}\n`,
    );
    const env = { CROSSWAY_CONFIG: config };
    expect((await crossway(['get', 'svc', '-n', 'shop'], { env })).code).toBe(5);
    expect((await crossway(['get', 'svc', '-n', 'shop', '--context', 'test'], { env })).code).toBe(
      0,
    );
    expect((await crossway(['config', 'use-context', 'test'], { env })).code).toBe(0);
    expect((await crossway(['get', 'svc', '-n', 'shop'], { env })).code).toBe(0);
    const contexts = await crossway(['config', 'get-contexts'], { env });
    expect(contexts.stdout).toMatch(/\*\s+test/);
    expect((await crossway(['config', 'use-context', 'nope'], { env })).code).toBe(3);
  });
});
