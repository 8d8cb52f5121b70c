// The control plane wired together (startControlPlane) on the memory store with the
// demo policy set, driven by a raw ADS client over loopback: its metrics count
// connections, pushes, bytes, ACK latency, NACKs and snapshot builds.
import { readFile } from 'node:fs/promises';
import type { CrosswayObject } from '@crossway/model';
import { MemoryStore } from '@crossway/store';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startControlPlane, type ControlPlane } from '../src/control-plane';
import { TYPE_URLS } from '../src/contracts';
import { connect, type SotwClient } from './support/raw-ads-client';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}) {
  const metric = await registry.getSingleMetric(name)?.get();
  const found = metric?.values.find((v) =>
    Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  );
  return found?.value ?? 0;
}

async function latencyCount(registry: Registry, type: string): Promise<number> {
  const metric = await registry.getSingleMetric('crossway_xds_push_latency_seconds')?.get();
  const count = metric?.values.find(
    (v) =>
      (v as { metricName?: string }).metricName === 'crossway_xds_push_latency_seconds_count' &&
      v.labels['type'] === type,
  );
  return count?.value ?? 0;
}

async function until(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function started(): Promise<{ plane: ControlPlane; registry: Registry }> {
  const store = new MemoryStore();
  const text = await readFile(new URL('../../../examples/shop.yaml', import.meta.url), 'utf8');
  const objects = parseAllDocuments(text).map((d) => d.toJSON() as CrosswayObject);
  await store.transaction(objects.map((object) => ({ op: 'upsert' as const, object })));
  const registry = new Registry();
  const plane = await startControlPlane({
    store,
    logger: pino({ level: process.env['TEST_LOG'] ?? 'silent' }),
    xdsPort: 0,
    insecure: true,
    registry,
    instance: 'test-instance',
    debounceMs: 10,
  });
  cleanups.push(async () => {
    await plane.close();
    await store.close();
  });
  await plane.whenReady();
  return { plane, registry };
}

function edgeClient(port: number): SotwClient {
  const client = connect(
    port,
    { id: 'edge-metrics', metadata: { role: 'edge', gateway: 'edge/public' } },
    undefined,
    10_000,
  );
  cleanups.push(() => client.close());
  return client;
}

it('counts connections, pushes, bytes, ACK latency, NACKs and snapshot builds', async () => {
  const { plane, registry } = await started();
  expect(plane.ready()).toBe(true);
  expect(plane.port).toBeGreaterThan(0);
  expect(await metricValue(registry, 'crossway_snapshot_builds_total')).toBeGreaterThanOrEqual(1);

  const client = edgeClient(plane.port);
  client.request(TYPE_URLS.clusters);
  const cds = await client.waitForResponse(TYPE_URLS.clusters);
  expect(cds.names).toContain('outbound|80||frontend.shop');
  client.ack(cds);
  // One ACK observed in the push latency histogram (change seen -> ACK).
  await until(async () => (await latencyCount(registry, 'Cluster')) === 1);
  expect(await metricValue(registry, 'crossway_xds_connected_proxies', { role: 'edge' })).toBe(1);
  expect(await metricValue(registry, 'crossway_xds_pushes_total', { type: 'Cluster' })).toBe(1);
  expect(
    await metricValue(registry, 'crossway_xds_sent_bytes_total', { type: 'Cluster' }),
  ).toBeGreaterThan(0);

  client.request(TYPE_URLS.listeners);
  const lds = await client.waitForResponse(TYPE_URLS.listeners);
  client.nack(lds, 'rejected for the test');
  await until(
    async () =>
      (await metricValue(registry, 'crossway_xds_nacks_total', { type: 'Listener' })) === 1,
  );

  await client.close();
  await until(
    async () =>
      (await metricValue(registry, 'crossway_xds_connected_proxies', { role: 'edge' })) === 0,
  );
  const exposition = await registry.metrics();
  expect(exposition).toContain('crossway_snapshot_build_duration_seconds_count');
});
