// Live end-to-end: etcd crashes and comes back. Clients keep serving from the config
// they hold while it is down; afterwards the control plane's watch resumes and changes
// written through the API reach the same client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdProcess } from '@crossway/testing';
import { manifests as m } from '../support/e2e-api';
import { eventually, servedBy, startE2eEnv, type E2eEnv } from '../support/e2e-env';

const NS = 'demo';
let etcd: EtcdProcess;
let env: E2eEnv;

beforeAll(async () => {
  // Its own etcd: this file kills it, which must not disturb other test files.
  etcd = await startEtcd();
  env = await startE2eEnv({ etcdEndpoints: etcd.endpoint });
  await env.api.apply([m.meshWithoutMtls(), m.service('e2e', 'caller', 8080)]);
});

afterAll(async () => {
  await env?.close();
  await etcd?.stop();
});

describe('etcd stopped and restarted', { timeout: 40_000 }, () => {
  it('keeps clients serving while etcd is down and pushes changes after it is back', async () => {
    const one = await env.backend('durable-1');
    const two = await env.backend('durable-2');
    await env.api.apply([
      m.service(NS, 'durable', 50081),
      m.workload(NS, 'durable-1', 'durable', one.port),
    ]);
    const client = await env.client('xds:///durable.demo:50081');
    await servedBy(client, 'durable-1');

    await etcd.kill();
    const whileDown = await client.tally(30, { concurrency: 3 });
    expect(Object.fromEntries(whileDown)).toEqual({ 'durable-1': 30 });
    // The API says so rather than pretending to write.
    expect((await env.api.get(`/api/v1/namespaces/${NS}/workloads`)).status).toBe(503);
    await etcd.restart();

    await eventually(
      'the API to write again',
      async () => {
        try {
          await env.api.apply([m.workload(NS, 'durable-2', 'durable', two.port)]);
          return true;
        } catch {
          return false;
        }
      },
      15_000,
    );
    await servedBy(client, 'durable-2', { timeoutMs: 15_000 });
    // Round robin over both Workloads: the old one and the one added after the restart.
    const counts = await client.tally(20, { concurrency: 1 });
    expect((counts.get('durable-1') ?? 0) + (counts.get('durable-2') ?? 0)).toBe(20);
    expect(counts.get('durable-1') ?? 0).toBeGreaterThanOrEqual(5);
    expect(counts.get('durable-2') ?? 0).toBeGreaterThanOrEqual(5);
  });
});
