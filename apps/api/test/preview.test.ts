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

describe('preview', () => {
  it('shows the edge config of a Gateway as proto3 JSON with @type, without any private key', async () => {
    const answer = await h.request({
      method: 'GET',
      url: '/api/v1/preview?role=edge&gateway=edge/public',
      token: h.tokens.viewer,
    });
    expect(answer.statusCode).toBe(200);
    const body = answer.json();
    expect(body.problems).toEqual([]);
    const listeners = body.resources.listeners as { '@type': string; name: string }[];
    expect(listeners.map((l) => l['@type'])).toContain(
      'type.googleapis.com/envoy.config.listener.v3.Listener',
    );
    expect(listeners.map((l) => l.name)).toEqual([
      'gateway/edge/public/port/8080',
      'gateway/edge/public/port/8443',
    ]);
    const clusters = (body.resources.clusters as { name: string }[]).map((c) => c.name);
    expect(clusters).toContain('outbound|80||frontend.shop');
    expect(body.versions.listeners).toMatch(/^[0-9a-f]{64}$/);
    expect(answer.body).not.toContain('PRIVATE KEY');
  });

  it('is deterministic: the same store gives the same versions', async () => {
    const first = (
      await h.request({ method: 'GET', url: '/api/v1/preview?role=edge&gateway=edge/public' })
    ).json();
    const second = (
      await h.request({ method: 'GET', url: '/api/v1/preview?role=edge&gateway=edge/public' })
    ).json();
    expect(second.versions).toEqual(first.versions);
  });

  it('names the field for roles not translated yet, and answers 404 for a missing Gateway', async () => {
    const sidecar = await h.request({
      method: 'GET',
      url: '/api/v1/preview?role=sidecar&service=shop/frontend',
    });
    expect(sidecar.statusCode).toBe(422);
    expect(sidecar.json().errors[0]).toMatchObject({ path: 'role' });
    const missing = await h.request({
      method: 'GET',
      url: '/api/v1/preview?role=edge&gateway=edge/nope',
    });
    expect(missing.statusCode).toBe(404);
  });
});
