// Live end-to-end: the control plane is stopped and started again on the same port.
// grpc-js-xds clients keep serving from the config they hold, reconnect, are sent the
// same versions again (no churn), and changes made afterwards still reach them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests as m } from '../support/e2e-api';
import { eventually, servedBy, startE2eEnv, type E2eEnv } from '../support/e2e-env';
import type { XdsEchoClient } from '../support/e2e-xds';

const NS = 'demo';
let env: E2eEnv;

beforeAll(async () => {
  env = await startE2eEnv();
  await env.api.apply([m.meshWithoutMtls(), m.service('e2e', 'caller', 8080)]);
});

afterAll(async () => {
  await env?.close();
});

/** An entry of GET /api/v1/proxies (the contract's shape). */
interface ProxyEntry {
  id: string;
  connectedAt?: string;
  versions?: Record<string, string | undefined>;
}

async function listedProxy(id: string): Promise<ProxyEntry | undefined> {
  const answer = await env.api.get('/api/v1/proxies');
  if (answer.status !== 200) return undefined;
  const items = (answer.body as { items?: ProxyEntry[] }).items ?? [];
  return items.find((item) => item.id === id);
}

/** Calls in a loop until stopped; returns every outcome. */
function keepCalling(client: XdsEchoClient): { stop(): Promise<string[]> } {
  const seen: string[] = [];
  let calling = true;
  const loop = (async () => {
    while (calling) {
      const result = await client.call({ deadlineMs: 2000 });
      seen.push(result.ok ? result.backend! : `error:${result.code}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    stop: async () => {
      calling = false;
      await loop;
      return seen;
    },
  };
}

const ACKED_TYPES = ['listeners', 'routes', 'clusters', 'endpoints'] as const;

/** True once the proxy has ACKed a version of every type a proxyless client uses. */
function allAcked(versions: Record<string, string | undefined> | undefined): boolean {
  return versions !== undefined && ACKED_TYPES.every((t) => (versions[t] ?? '') !== '');
}

describe('control plane restart', { timeout: 40_000 }, () => {
  it('keeps clients serving through the restart; they reconnect and get later changes', async () => {
    const one = await env.backend('stay-1');
    const two = await env.backend('stay-2');
    await env.api.apply([m.service(NS, 'stay', 50071), m.workload(NS, 'stay-1', 'stay', one.port)]);
    const client = await env.client('xds:///stay.demo:50071');
    await servedBy(client, 'stay-1');

    const calls = keepCalling(client);
    await env.restartControlPlane(() => new Promise((resolve) => setTimeout(resolve, 1000)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const during = await calls.stop();
    expect(during.length).toBeGreaterThan(10);
    expect(during.filter((s) => s !== 'stay-1')).toEqual([]);

    // The client is back on the new control plane: what changes next reaches it.
    await env.api.apply([m.workload(NS, 'stay-2', 'stay', two.port)]);
    await servedBy(client, 'stay-2');
  });

  it('lists the reconnected client with the same ACKed versions as before', async () => {
    const backend = await env.backend('same-1');
    await env.api.apply([
      m.service(NS, 'same', 50072),
      m.workload(NS, 'same-1', 'same', backend.port),
    ]);
    const nodeId = `e2e-restart-client-${process.pid}`;
    const client = await env.client('xds:///same.demo:50072', 'e2e/caller', { id: nodeId });
    await servedBy(client, 'same-1');

    let before: ProxyEntry | undefined;
    await eventually('the client to be listed with ACKed versions', async () => {
      before = await listedProxy(nodeId);
      return allAcked(before?.versions);
    });
    await env.restartControlPlane();
    let after: ProxyEntry | undefined;
    await eventually('the client to be listed again after the restart', async () => {
      after = await listedProxy(nodeId);
      // A new connection (not the old entry lingering) that has ACKed every type.
      return after?.connectedAt !== before?.connectedAt && allAcked(after?.versions);
    });
    expect(after?.versions).toEqual(before?.versions);
    expect(Object.fromEntries(await client.tally(10))).toEqual({ 'same-1': 10 });
  });
});
