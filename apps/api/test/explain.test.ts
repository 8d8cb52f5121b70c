// POST /api/v1/explain over the demo policy set in a real store.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  const shop = readFileSync(new URL('../../../examples/shop.yaml', import.meta.url), 'utf8');
  const applied = await h.request({
    method: 'POST',
    url: '/api/v1/apply',
    headers: { 'content-type': 'application/yaml' },
    payload: shop,
  });
  expect(applied.statusCode).toBe(200);
});
afterAll(async () => h.close());

async function explain(payload: unknown, token?: string) {
  return h.request({
    method: 'POST',
    url: '/api/v1/explain',
    payload: payload as Record<string, unknown>,
    ...(token !== undefined ? { token } : {}),
  });
}

describe('POST /api/v1/explain', () => {
  it('explains an edge request to a viewer: rule, backends, Envoy names, policies', async () => {
    const answer = await explain(
      { gateway: 'edge/public', host: 'shop.example.com', path: '/api/cart', method: 'POST' },
      h.tokens.viewer,
    );
    expect(answer.statusCode).toBe(200);
    const body = answer.json();
    expect(body.matched).toMatchObject({
      route: { kind: 'HTTPRoute', namespace: 'shop', name: 'storefront' },
      rule: 0,
    });
    expect(body.backends).toEqual([{ service: 'shop/frontend', port: 80, weight: 1 }]);
    expect(body.envoy).toMatchObject({
      listener: 'gateway/edge/public/port/8080',
      virtualHost: 'shop.example.com',
      cluster: 'outbound|80||frontend.shop',
    });
    expect(body.authorization.verdict).toBe('ALLOW');
    expect(body.policies.map((p: { name: string }) => p.name)).toContain('edge-limit');
    expect(body.revision).toMatch(/^\d+$/);
  });

  it('shows the redirect a rule answers with', async () => {
    const body = (
      await explain({ gateway: 'edge/public', host: 'shop.example.com', path: '/cart' })
    ).json();
    expect(body.matched).toMatchObject({ route: { name: 'storefront' }, rule: 1 });
    expect(body.response).toEqual({ status: 301, redirect: 'http://shop.example.com/api/cart' });
    expect(body.backends).toEqual([]);
  });

  it('explains a mesh call from a caller Service, authorized at the receiver', async () => {
    const answer = await explain({
      source: 'shop/frontend',
      host: 'payments.payments',
      path: '/shop.v1.Payments/Charge',
      method: 'POST',
    });
    expect(answer.statusCode).toBe(200);
    const body = answer.json();
    expect(body.backends).toEqual([{ service: 'payments/payments', port: 9090, weight: 1 }]);
    expect(body.authorization).toMatchObject({ verdict: 'DENY', reason: 'NoAllowMatched' });
    expect(body.response).toEqual({ status: 403 });
    const unknown = await explain({ source: 'shop/nobody', host: 'h', path: '/' });
    expect(unknown.statusCode).toBe(404);
    const badRole = await explain({ source: 'shop/frontend', role: 'edge', host: 'h', path: '/' });
    expect(badRole.statusCode).toBe(422);
    expect(badRole.json().errors[0].path).toBe('role');
  });

  it('names the bad field of a bad request and the missing Gateway', async () => {
    const bad = await explain({ gateway: 'edge/public', host: 'h', path: 'no-slash' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors).toEqual([expect.objectContaining({ path: 'path' })]);
    const neither = await explain({ host: 'h', path: '/' });
    expect(neither.statusCode).toBe(422);
    expect(neither.json().errors[0].path).toBe('gateway');
    const unknown = await explain({ gateway: 'edge/public', host: 'h', path: '/', colour: 'red' });
    expect(unknown.statusCode).toBe(422);
    const missing = await explain({ gateway: 'edge/absent', host: 'h', path: '/' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail ?? missing.json().title).toContain('edge/absent');
  });

  it('refuses a caller without a token', async () => {
    const answer = await h.request({
      method: 'POST',
      url: '/api/v1/explain',
      payload: { gateway: 'edge/public', host: 'h', path: '/' },
      token: null,
    });
    expect(answer.statusCode).toBe(401);
  });
});
