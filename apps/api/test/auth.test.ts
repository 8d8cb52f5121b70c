import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { service, startHarness, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

const shopSecret = parseAllDocuments(
  readFileSync(new URL('../../../examples/shop.yaml', import.meta.url), 'utf8'),
)
  .map((d) => d.toJS() as { kind: string; spec: { data: Record<string, string> } })
  .find((o) => o.kind === 'Secret')!;

describe('authentication', () => {
  it('no token, a malformed token or an unknown token answers 401', async () => {
    for (const token of [
      null,
      'nope',
      'cw_0123456789abcdef_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    ]) {
      const answer = await h.request({ method: 'GET', url: '/api/v1/services', token });
      expect(answer.statusCode).toBe(401);
      expect(answer.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('health, readiness, metrics and the OpenAPI document need no token', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics', '/openapi.json']) {
      expect((await h.request({ method: 'GET', url, token: null })).statusCode, url).toBe(200);
    }
  });

  it('issued tokens work until revoked, and expire', async () => {
    const issued = await h.request({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { type: 'api', role: 'viewer', ttl: '1h' },
    });
    expect(issued.statusCode).toBe(201);
    const { token, id, expiresAt } = issued.json();
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(3_500_000);
    expect((await h.request({ method: 'GET', url: '/api/v1/services', token })).statusCode).toBe(
      200,
    );
    const listed = (await h.request({ method: 'GET', url: '/api/v1/tokens' })).json();
    expect(JSON.stringify(listed)).not.toContain(token.slice('cw_0123456789abcdef_'.length));
    expect(listed.items.map((t: { id: string }) => t.id)).toContain(id);
    expect((await h.request({ method: 'DELETE', url: `/api/v1/tokens/${id}` })).statusCode).toBe(
      200,
    );
    expect((await h.request({ method: 'GET', url: '/api/v1/services', token })).statusCode).toBe(
      401,
    );
  });

  it('a data-plane token cannot call the API', async () => {
    const issued = (
      await h.request({
        method: 'POST',
        url: '/api/v1/tokens',
        payload: { type: 'dataplane', role: 'sidecar', service: 'shop/web' },
      })
    ).json();
    expect(
      (await h.request({ method: 'GET', url: '/api/v1/services', token: issued.token })).statusCode,
    ).toBe(401);
  });

  it('a token request names its faulty field', async () => {
    const answer = await h.request({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { type: 'dataplane', role: 'edge', service: 'shop/web' },
    });
    expect(answer.statusCode).toBe(422);
    expect(answer.json().errors[0].path).toBe('gateway');
  });
});

describe('authorization', () => {
  it('viewers read but cannot write', async () => {
    expect(
      (await h.request({ method: 'GET', url: '/api/v1/services', token: h.tokens.viewer }))
        .statusCode,
    ).toBe(200);
    const denied = await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/shop/services',
      payload: service('a'),
      token: h.tokens.viewer,
    });
    expect(denied.statusCode).toBe(403);
    expect(
      (
        await h.request({
          method: 'POST',
          url: '/api/v1/apply',
          payload: [service('a')],
          token: h.tokens.viewer,
        })
      ).statusCode,
    ).toBe(403);
  });

  it('refuses a viewer before validating the body: no field errors for a caller who may not write', async () => {
    const invalid = { ...service('a'), spec: { ports: [{ name: 'x', port: 'not a port' }] } };
    for (const [method, url] of [
      ['POST', '/api/v1/namespaces/shop/services'],
      ['PUT', '/api/v1/namespaces/shop/services/a'],
    ] as const) {
      const denied = await h.request({ method, url, payload: invalid, token: h.tokens.viewer });
      expect(denied.statusCode, `${method} ${url}`).toBe(403);
      expect(denied.body).not.toContain('spec.ports');
    }
    // The same body from an admin is a 422 naming the field.
    const invalidForAdmin = await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/shop/services',
      payload: invalid,
      token: h.tokens.admin,
    });
    expect(invalidForAdmin.statusCode).toBe(422);
    expect(invalidForAdmin.body).toContain('spec.ports[0].port');
  });

  it('an editor limited to a namespace writes there and nowhere else, and not the Mesh', async () => {
    const t = h.tokens.shopEditor;
    expect(
      (
        await h.request({
          method: 'POST',
          url: '/api/v1/namespaces/shop/services',
          payload: service('a'),
          token: t,
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await h.request({
          method: 'POST',
          url: '/api/v1/namespaces/payments/services',
          payload: service('a', 'payments'),
          token: t,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await h.request({
          method: 'POST',
          url: '/api/v1/apply',
          payload: [service('b'), service('c', 'payments')],
          token: t,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await h.request({ method: 'GET', url: '/api/v1/namespaces/shop/services/b', token: t }))
        .statusCode,
    ).toBe(404);
    const mesh = await h.request({
      method: 'PATCH',
      url: '/api/v1/meshes/default',
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: '{"spec":{"mtls":{"mode":"STRICT"}}}',
      token: t,
    });
    expect(mesh.statusCode).toBe(403);
  });

  it('only admins issue API tokens; editors issue data-plane tokens in their namespaces', async () => {
    expect(
      (
        await h.request({
          method: 'POST',
          url: '/api/v1/tokens',
          payload: { type: 'api', role: 'admin' },
          token: h.tokens.editor,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await h.request({
          method: 'POST',
          url: '/api/v1/tokens',
          payload: { type: 'dataplane', role: 'sidecar', service: 'shop/web' },
          token: h.tokens.shopEditor,
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await h.request({
          method: 'POST',
          url: '/api/v1/tokens',
          payload: { type: 'dataplane', role: 'sidecar', service: 'payments/web' },
          token: h.tokens.shopEditor,
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe('Secrets', () => {
  it('private keys are write-only: reads carry keySha256, an update without the key keeps it', async () => {
    const created = await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/edge/secrets',
      payload: shopSecret,
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body.spec.data['tls.key']).toBeUndefined();
    expect(body.status.keySha256).toMatch(/^[0-9a-f]{64}$/);
    for (const token of [h.tokens.admin, h.tokens.viewer]) {
      const read = await h.request({
        method: 'GET',
        url: '/api/v1/namespaces/edge/secrets/shop-example-com',
        token,
      });
      expect(read.body).not.toContain('PRIVATE KEY');
    }
    const list = await h.request({ method: 'GET', url: '/api/v1/secrets' });
    expect(list.body).not.toContain('PRIVATE KEY');
    const updated = await h.request({
      method: 'PUT',
      url: '/api/v1/namespaces/edge/secrets/shop-example-com',
      payload: { ...body, metadata: { ...body.metadata, labels: { rotated: 'no' } } },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().status.keySha256).toBe(body.status.keySha256);
  });

  it('creating a tls Secret without its key is a 422 at the key', async () => {
    const { 'tls.key': _key, ...data } = shopSecret.spec.data;
    const answer = await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/edge/secrets',
      payload: { ...shopSecret, spec: { ...shopSecret.spec, data } },
    });
    expect(answer.statusCode).toBe(422);
    expect(answer.json().errors[0].path).toBe('spec.data["tls.key"]');
  });
});
