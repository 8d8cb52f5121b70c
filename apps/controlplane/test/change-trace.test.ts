// Change tracing (traceChanges / CROSSWAY_TRACE_CHANGES=1): a real control plane on the
// memory store with the demo policy set and one raw ADS client over loopback. A store
// change gives one `change-trace` info line carrying the change's revision, phase
// times in order, the group that changed and the stream that was written.
import { readFile } from 'node:fs/promises';
import type { CrosswayObject } from '@crossway/model';
import { MemoryStore } from '@crossway/store';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startControlPlane } from '../src/control-plane';
import { TYPE_URLS } from '../src/contracts';
import { connect } from './support/raw-ads-client';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface TraceLine {
  msg: string;
  revision: number;
  receivedAt: number;
  debouncedAt: number;
  builtAt: number;
  sentAt: number;
  groups: number;
  streams: number;
}

async function until<T>(find: () => T | undefined, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function started(traceChanges: boolean) {
  const store = new MemoryStore();
  const text = await readFile(new URL('../../../examples/shop.yaml', import.meta.url), 'utf8');
  const objects = parseAllDocuments(text).map((d) => d.toJSON() as CrosswayObject);
  await store.transaction(objects.map((object) => ({ op: 'upsert' as const, object })));
  const lines: string[] = [];
  const plane = await startControlPlane({
    store,
    logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
    xdsPort: 0,
    insecure: true,
    writeStatus: false,
    debounceMs: 10,
    traceChanges,
  });
  cleanups.push(async () => {
    await plane.close();
    await store.close();
  });
  await plane.whenReady();
  const traces = () =>
    lines.map((l) => JSON.parse(l) as TraceLine).filter((l) => l.msg === 'change-trace');
  return { store, plane, traces };
}

/** Moves the demo's frontend-1 endpoint; resolves with the store revision of the change. */
async function moveEndpoint(store: MemoryStore, address: string): Promise<number> {
  const object = await store.get({ kind: 'Workload', namespace: 'shop', name: 'frontend-1' });
  if (!object) throw new Error('frontend-1 not stored');
  (object.spec as Record<string, unknown>)['address'] = address;
  const { metadata } = object;
  const result = await store.transaction([
    {
      op: 'upsert',
      object: {
        ...object,
        metadata: { name: metadata.name, namespace: metadata.namespace },
      } as CrosswayObject,
    },
  ]);
  return result.revision;
}

async function subscribedEdge(port: number) {
  const client = connect(
    port,
    { id: 'edge-trace', metadata: { role: 'edge', gateway: 'edge/public' } },
    undefined,
    10_000,
  );
  cleanups.push(() => client.close());
  client.request(TYPE_URLS.clusters);
  const cds = await client.waitForResponse(TYPE_URLS.clusters);
  client.ack(cds);
  client.request(TYPE_URLS.endpoints, cds.names);
  const eds = await client.waitForResponse(TYPE_URLS.endpoints);
  client.ack(eds);
  return client;
}

it('logs one change-trace line per round, with the revision and phase times in order', async () => {
  const { store, plane, traces } = await started(true);
  // The first full build is a round too (the sync revision, before any stream).
  expect(traces().length).toBeGreaterThanOrEqual(1);
  const client = await subscribedEdge(plane.port);

  const before = performance.timeOrigin + performance.now();
  const revision = await moveEndpoint(store, '127.0.0.9');
  const eds = await client.waitForResponse(TYPE_URLS.endpoints);
  expect(JSON.stringify(eds.resources)).toContain('127.0.0.9');
  const trace = await until(() => traces().find((t) => t.revision === revision));

  expect(trace.receivedAt).toBeGreaterThanOrEqual(before);
  expect(trace.debouncedAt).toBeGreaterThanOrEqual(trace.receivedAt);
  expect(trace.builtAt).toBeGreaterThanOrEqual(trace.debouncedAt);
  expect(trace.sentAt).toBeGreaterThanOrEqual(trace.builtAt);
  expect(trace.sentAt).toBeLessThanOrEqual(performance.timeOrigin + performance.now());
  // The 10 ms debounce sits between the event and the rebuild.
  expect(trace.debouncedAt - trace.receivedAt).toBeGreaterThanOrEqual(5);
  expect(trace).toMatchObject({ groups: 1, streams: 1 });
  expect(traces().filter((t) => t.revision === revision)).toHaveLength(1);

  // A second change: a later revision, its own line.
  const next = await moveEndpoint(store, '127.0.0.10');
  await client.waitForResponse(TYPE_URLS.endpoints);
  const second = await until(() => traces().find((t) => t.revision === next));
  expect(next).toBeGreaterThan(revision);
  expect(second.receivedAt).toBeGreaterThan(trace.sentAt);
});

it('logs no change-trace line when tracing is off', async () => {
  const { store, plane, traces } = await started(false);
  const client = await subscribedEdge(plane.port);
  await moveEndpoint(store, '127.0.0.9');
  await client.waitForResponse(TYPE_URLS.endpoints);
  await new Promise((r) => setTimeout(r, 50));
  expect(traces()).toEqual([]);
});
