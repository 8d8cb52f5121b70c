import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KIND_DESCRIPTORS } from '@crossway/model';
import { service, startHarness, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

describe('OpenAPI, docs and metrics', () => {
  it("the OpenAPI document has a path per kind and the kinds' schemas from zod", async () => {
    const doc = (await h.request({ method: 'GET', url: '/openapi.json', token: null })).json();
    expect(doc.openapi).toBe('3.1.0');
    for (const d of KIND_DESCRIPTORS) {
      const collection =
        d.scope === 'Cluster' ? `/api/v1/${d.plural}` : `/api/v1/namespaces/{ns}/${d.plural}`;
      expect(doc.paths[collection], collection).toBeDefined();
    }
    const create = doc.paths['/api/v1/namespaces/{ns}/httproutes'].post;
    const schema = JSON.stringify(create.requestBody.content['application/json'].schema);
    expect(schema).toContain('parentRefs');
    expect(schema).toContain('backendRefs');
    expect(doc.paths['/api/v1/apply'].post).toBeDefined();
  });

  it('serves the docs UI', async () => {
    const answer = await h.request({ method: 'GET', url: '/docs/', token: null });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toContain('swagger');
  });

  it('counts requests by route and code, and times store operations', async () => {
    await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/shop/services',
      payload: service('a'),
    });
    await h.request({
      method: 'POST',
      url: '/api/v1/namespaces/shop/services',
      payload: service('a'),
    });
    const text = (await h.request({ method: 'GET', url: '/metrics', token: null })).body;
    expect(text).toMatch(
      /crossway_http_requests_total\{method="POST",route="\/api\/v1\/namespaces\/:ns\/services",code="201"\} 1/,
    );
    expect(text).toMatch(
      /crossway_http_requests_total\{method="POST",route="\/api\/v1\/namespaces\/:ns\/services",code="409"\} 1/,
    );
    expect(text).toMatch(
      /crossway_store_operation_duration_seconds_count\{operation="create",result="ok"\} \d+/,
    );
  });

  it('echoes a request id and readiness reports the store revision', async () => {
    const ready = await h.request({ method: 'GET', url: '/readyz', token: null });
    expect(ready.json()).toMatchObject({ status: 'ready', revision: expect.any(Number) });
  });
});

describe('request ids and audit', () => {
  it('answers carry a request id, and a client-sent one is kept', async () => {
    const mine = await h.request({
      method: 'GET',
      url: '/api/v1/services',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(mine.headers['x-request-id']).toBe('abc-123');
    const generated = await h.request({ method: 'GET', url: '/api/v1/services' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
