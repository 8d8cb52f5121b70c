// What the API adds for the operator console: GET /api/v1/whoami for every role (and
// 401 without a valid token), and the static console under /ui (index.html for every
// client-side route with its security headers, immutable hashed assets, 404 for a
// missing asset, 503 with the build hint when the console was not built). The console
// directories here are temp dirs with fake files, so these tests do not need a build.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';

const INDEX_HTML =
  '<!doctype html><html><head><title>Crossway console (test)</title></head><body></body></html>';
const ASSET = 'assets/index-Ab12Cd34.js';

type App = Harness;

/** The API with its console served from `consoleDir` (the shared test harness). */
function startApp(consoleDir: string): Promise<App> {
  return startHarness({ consoleDir });
}

let dirs: string[] = [];
let built: App;
let builtDir: string;

beforeAll(async () => {
  builtDir = await mkdtemp(join(tmpdir(), 'crossway-console-built-'));
  await mkdir(join(builtDir, 'assets'));
  await writeFile(join(builtDir, 'index.html'), INDEX_HTML);
  await writeFile(join(builtDir, ASSET), 'console.log("console asset");\n');
  dirs = [builtDir];
  built = await startApp(builtDir);
});
afterAll(async () => {
  await built.close();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Issues an API token through the public API, as an operator would. */
async function issueToken(
  role: string,
  namespaces?: string[],
): Promise<{ id: string; token: string }> {
  const answer = await built.request({
    method: 'POST',
    url: '/api/v1/tokens',
    payload: { type: 'api', role, ttl: '1h', ...(namespaces ? { namespaces } : {}) },
  });
  expect(answer.statusCode, answer.body).toBe(201);
  return answer.json<{ id: string; token: string }>();
}

describe('GET /api/v1/whoami', () => {
  it('answers the bootstrap admin', async () => {
    const answer = await built.request({ method: 'GET', url: '/api/v1/whoami' });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ id: 'bootstrap-admin', role: 'admin' });
  });

  it('answers an editor limited to namespaces with the namespaces listed', async () => {
    const { id, token } = await issueToken('editor', ['shop', 'payments']);
    const answer = await built.request({ method: 'GET', url: '/api/v1/whoami', token });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ id, role: 'editor', namespaces: ['shop', 'payments'] });
  });

  it('answers an editor of every namespace without a namespaces field', async () => {
    const { id, token } = await issueToken('editor');
    const body = (await built.request({ method: 'GET', url: '/api/v1/whoami', token })).json();
    expect(body).toEqual({ id, role: 'editor' });
    expect(body).not.toHaveProperty('namespaces');
  });

  it('answers a viewer (who may read nothing else about tokens)', async () => {
    const { id, token } = await issueToken('viewer');
    const answer = await built.request({ method: 'GET', url: '/api/v1/whoami', token });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ id, role: 'viewer' });
    // The same token is refused the token list: whoami is the viewer's only window on it.
    expect((await built.request({ method: 'GET', url: '/api/v1/tokens', token })).statusCode).toBe(
      403,
    );
  });

  it('refuses a request without a token with a 401 problem', async () => {
    const answer = await built.request({ method: 'GET', url: '/api/v1/whoami', token: null });
    expect(answer.statusCode).toBe(401);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.json()).toMatchObject({ status: 401, code: 'Unauthorized' });
  });

  it('refuses an unknown, a malformed and a revoked token with 401', async () => {
    const unknown = 'cw_0000000000000000_notarealsecretnotarealsecretnotarealsecr';
    for (const token of [unknown, 'not-a-token']) {
      const answer = await built.request({ method: 'GET', url: '/api/v1/whoami', token });
      expect(answer.statusCode, token).toBe(401);
      expect(answer.json()).toMatchObject({ code: 'Unauthorized' });
    }
    const { id, token } = await issueToken('viewer');
    expect(
      (await built.request({ method: 'DELETE', url: `/api/v1/tokens/${id}` })).statusCode,
    ).toBeLessThan(300);
    expect((await built.request({ method: 'GET', url: '/api/v1/whoami', token })).statusCode).toBe(
      401,
    );
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await built.request({ method: 'GET', url: '/openapi.json', token: null })).json();
    expect(doc.paths['/api/v1/whoami']?.get).toBeDefined();
    // The console's static routes are not part of the API contract.
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/ui'))).toEqual([]);
  });
});

describe('the console under /ui', () => {
  const expectIndex = (answer: LightMyRequestResponse) => {
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toContain('text/html');
    expect(answer.body).toBe(INDEX_HTML);
    const csp = String(answer.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    // index.html names the current hashed assets: it must be revalidated every time.
    expect(answer.headers['cache-control']).toBe('no-cache');
  };

  it('answers index.html at /ui/ without a token', async () => {
    expectIndex(await built.request({ method: 'GET', url: '/ui/', token: null }));
  });

  it('answers index.html for a deep link (client-side route)', async () => {
    expectIndex(
      await built.request({
        method: 'GET',
        url: '/ui/objects/httproutes/shop/storefront',
        token: null,
      }),
    );
    expectIndex(await built.request({ method: 'GET', url: '/ui/dataplanes/edge-1', token: null }));
  });

  it('serves a hashed asset with an immutable cache-control', async () => {
    const answer = await built.request({ method: 'GET', url: `/ui/${ASSET}`, token: null });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toContain('javascript');
    expect(answer.body).toContain('console asset');
    expect(String(answer.headers['cache-control'])).toMatch(/max-age=\d+.*immutable/);
    expect(answer.headers['content-security-policy']).toBeDefined();
  });

  it('answers 404 for a missing asset rather than index.html', async () => {
    const answer = await built.request({
      method: 'GET',
      url: '/ui/assets/index-missing.js',
      token: null,
    });
    expect(answer.statusCode).toBe(404);
    expect(answer.body).not.toContain('<html');
  });

  it('does not serve files outside its directory', async () => {
    for (const url of [
      '/ui/assets/../../package.json',
      '/ui/assets/%2e%2e/%2e%2e/etc/passwd',
      '/ui/assets/..%2f..%2fpackage.json',
    ]) {
      const answer = await built.request({ method: 'GET', url, token: null });
      expect(answer.statusCode, url).toBe(404);
      expect(answer.body, url).not.toContain('"name"');
      expect(answer.body, url).not.toContain('root:');
    }
  });

  it('redirects / and /ui to /ui/', async () => {
    for (const url of ['/', '/ui']) {
      const answer = await built.request({ method: 'GET', url, token: null });
      expect(answer.statusCode, url).toBeGreaterThanOrEqual(301);
      expect(answer.statusCode, url).toBeLessThanOrEqual(308);
      expect(answer.headers.location, url).toBe('/ui/');
    }
  });

  it('keeps /api/v1 behind a token while /ui is public', async () => {
    expect(
      (await built.request({ method: 'GET', url: '/api/v1/services', token: null })).statusCode,
    ).toBe(401);
    expect(
      (await built.request({ method: 'GET', url: '/ui/objects/services', token: null })).statusCode,
    ).toBe(200);
  });

  it('answers 503 with the build hint when the console is not built', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'crossway-console-empty-'));
    dirs.push(empty);
    const notBuilt = await startApp(empty);
    try {
      for (const url of ['/ui/', '/ui/objects/httproutes/shop/storefront', '/ui']) {
        const answer = await notBuilt.request({ method: 'GET', url, token: null });
        expect(answer.statusCode, url).toBe(503);
        expect(answer.body, url).toContain('npm run build');
      }
      // The API itself is unaffected.
      const me = await notBuilt.request({ method: 'GET', url: '/api/v1/whoami' });
      expect(me.json()).toMatchObject({ role: 'admin' });
    } finally {
      await notBuilt.close();
    }
  });
});
