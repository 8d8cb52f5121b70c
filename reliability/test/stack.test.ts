// The suite's own harness: a stack with one API and one control plane on a throwaway
// etcd serves a proxyless client through the control plane, and the control plane
// answers /readyz once it has synced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReliabilityStack, eventually, manifests as m } from '../src/stack';

let stack: ReliabilityStack;

beforeAll(async () => {
  stack = await ReliabilityStack.start({ name: 'stack' });
  await stack.startApi();
  await stack.startControlPlane();
});

afterAll(async () => {
  await stack?.close();
});

describe('the reliability stack', () => {
  it('routes a proxyless client to a Workload registered through the API', async () => {
    const backend = await stack.backend('one');
    await stack
      .client()
      .apply([
        m.meshWithoutMtls(),
        m.service('reliability', 'caller', 8080),
        m.service('demo', 'echo', 50051),
        m.workload('demo', 'echo-1', 'echo', backend.port),
      ]);
    const client = await stack.xdsClient('xds:///echo.demo:50051');
    await eventually('a call served by echo-1', async () => {
      const result = await client.call({ deadlineMs: 1000 });
      return result.ok && result.backend === 'one';
    });
    expect((await client.call()).backend).toBe('one');
  });
});
