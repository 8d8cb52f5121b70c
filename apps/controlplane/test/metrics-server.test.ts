// The standalone control plane's /metrics endpoint (CROSSWAY_METRICS_PORT): a real
// HTTP server on loopback exposing the xDS metrics with the process metrics a
// benchmark samples (resident memory, V8 heap).
import { Registry } from 'prom-client';
import { afterEach, expect, it } from 'vitest';
import { startMetricsServer, withProcessMetrics } from '../src/metrics-server';
import { controlPlaneMetrics } from '../src/metrics';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The value of an unlabelled sample in a text exposition. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

it('serves the xDS metrics with process RSS and heap on /metrics, and nothing else', async () => {
  const registry = withProcessMetrics(new Registry());
  // Adding them twice to one registry is a no-op, not a duplicate-metric error.
  expect(withProcessMetrics(registry)).toBe(registry);
  controlPlaneMetrics(registry);
  const server = await startMetricsServer({ registry, host: '127.0.0.1', port: 0 });
  cleanups.push(() => server.close());
  expect(server.port).toBeGreaterThan(0);

  const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const text = await response.text();
  expect(sample(text, 'crossway_process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
  expect(sample(text, 'crossway_nodejs_heap_size_used_bytes')).toBeGreaterThan(1_000_000);
  expect(sample(text, 'crossway_nodejs_heap_size_total_bytes')).toBeGreaterThan(1_000_000);
  expect(text).toContain('crossway_xds_connected_proxies{role="sidecar"} 0');

  expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
});

it('answers /readyz 503 until the control plane is ready, then 200; /healthz always', async () => {
  let ready = false;
  const server = await startMetricsServer({
    registry: new Registry(),
    host: '127.0.0.1',
    port: 0,
    ready: () => ready,
    debug: { cache: () => ({ objects: 3 }) },
  });
  cleanups.push(() => server.close());
  const base = `http://127.0.0.1:${server.port}`;
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
  const notReady = await fetch(`${base}/readyz`);
  expect(notReady.status).toBe(503);
  expect(await notReady.json()).toMatchObject({ status: 'not ready' });
  ready = true;
  expect((await fetch(`${base}/readyz`)).status).toBe(200);
  expect(await (await fetch(`${base}/debug/cache`)).json()).toEqual({ objects: 3 });
  expect((await fetch(`${base}/debug/other`)).status).toBe(404);
  expect((await fetch(`${base}/readyz`, { method: 'POST' })).status).toBe(405);
});
