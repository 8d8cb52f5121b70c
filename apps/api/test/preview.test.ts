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

  it('shows a sidecar: inbound to the local app, outbound scoped to its dependencies', async () => {
    const answer = await h.request({
      method: 'GET',
      url: '/api/v1/preview?role=sidecar&service=shop/frontend&workload=frontend-1',
      token: h.tokens.viewer,
    });
    expect(answer.statusCode).toBe(200);
    const body = answer.json();
    expect(body.problems).toEqual([]);
    const listeners = (body.resources.listeners as { name: string }[]).map((l) => l.name);
    expect(listeners).toContain('sidecar/shop/frontend/inbound/10080');
    expect(listeners).toContain('sidecar/shop/frontend/outbound/15001');
    const clusters = (body.resources.clusters as { name: string }[]).map((c) => c.name);
    expect(clusters).toContain('inbound|10080||frontend.shop');
    expect(clusters).toContain('outbound|9090||payments.payments');
    // frontend declares its dependencies: nothing else is configured.
    expect(clusters.filter((c) => c.startsWith('outbound|')).sort()).toEqual([
      'outbound|8080||catalog.shop',
      'outbound|9090||checkout.shop',
      'outbound|9090||payments.payments',
    ]);
    expect(answer.body).not.toContain('PRIVATE KEY');
  });

  it('shows a proxyless client and server with the listener names gRPC asks for', async () => {
    const answer = await h.request({
      method: 'GET',
      url: '/api/v1/preview?role=proxyless&service=shop/checkout',
    });
    expect(answer.statusCode).toBe(200);
    const body = answer.json();
    expect(body.problems).toEqual([]);
    const listeners = (body.resources.listeners as { name: string }[]).map((l) => l.name);
    expect(listeners).toContain('payments.payments:9090');
    expect(listeners.some((n) => n.startsWith('grpc/server?xds.resource.listening_address='))).toBe(
      true,
    );
    expect(Array.isArray(body.unsupportedForRole)).toBe(true);
  });

  it('names the bad field, and answers 404 for a missing target', async () => {
    const role = await h.request({ method: 'GET', url: '/api/v1/preview?role=router' });
    expect(role.statusCode).toBe(422);
    expect(role.json().errors[0]).toMatchObject({ path: 'role' });
    const service = await h.request({ method: 'GET', url: '/api/v1/preview?role=sidecar' });
    expect(service.statusCode).toBe(422);
    expect(service.json().errors[0]).toMatchObject({ path: 'service' });
    for (const url of [
      '/api/v1/preview?role=edge&gateway=edge/nope',
      '/api/v1/preview?role=sidecar&service=shop/nope',
      '/api/v1/preview?role=proxyless&service=shop/nope',
    ]) {
      const missing = await h.request({ method: 'GET', url });
      expect(missing.statusCode, url).toBe(404);
    }
  });
});
