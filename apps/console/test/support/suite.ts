// Shared setup of the component test files: one real stack per file (started before
// the file's own beforeAll hooks, closed after its afterAll hooks), the DOM cleaned and
// the URL reset after each test; the demo's NACKing-sidecar-plus-synced-edge scene; and
// the route with a missing backend that several views show as broken.
import type { ApiObject, ProxyInfo } from '@crossway/client';
import { cleanup } from '@testing-library/preact';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { navigate } from '../../src/router';
import { connectDataPlane, eventually, type TestDataPlane } from './data-planes';
import { startConsoleStack, type ConsoleStack, type ConsoleStackOptions } from './stack';

/**
 * Starts a stack for the calling test file and answers it. The answer stands for the
 * stack started in beforeAll (read its fields inside hooks and tests, not at load time).
 * After each test the DOM is cleaned and, with `home`, the URL goes back to it.
 */
export function useConsoleStack(
  options: ConsoleStackOptions = {},
  { home, afterEachTest }: { home?: string; afterEachTest?: () => void } = {},
): ConsoleStack {
  let current: ConsoleStack | undefined;
  beforeAll(async () => {
    current = await startConsoleStack(options);
  });
  afterAll(async () => {
    await current?.close();
  });
  afterEach(() => {
    cleanup();
    if (home !== undefined) navigate(home, { replace: true });
    afterEachTest?.();
  });
  return new Proxy({} as ConsoleStack, {
    get(_, field) {
      if (!current) throw new Error('the console stack is used before beforeAll started it');
      return current[field as keyof ConsoleStack];
    },
  });
}

/**
 * Connects an edge of Gateway edge/public that ACKs everything and a sidecar of
 * Service shop/catalog that NACKs its clusters with `nackError`; answers once the edge
 * is synced and the NACK is listed, with the NACKer as /api/v1/proxies shows it.
 */
export async function connectEdgeAndNacker(
  stack: ConsoleStack,
  planes: TestDataPlane[],
  ids: { edge: string; nacker: string; nackError: string },
): Promise<ProxyInfo> {
  planes.push(await connectDataPlane(stack, { id: ids.edge, role: 'edge', target: 'edge/public' }));
  planes.push(
    await connectDataPlane(stack, {
      id: ids.nacker,
      role: 'sidecar',
      target: 'shop/catalog',
      nack: { types: ['clusters'], error: ids.nackError },
    }),
  );
  return eventually('the edge synced and the sidecar NACKed', async () => {
    const proxies = await stack.client().proxies();
    const edge = proxies.find((p) => p.id === ids.edge);
    const nacker = proxies.find((p) => p.id === ids.nacker);
    const edgeSynced =
      edge?.versions['listeners'] &&
      Object.entries(edge.sent).every(([t, v]) => edge.versions[t] === v);
    return edgeSynced && nacker?.nack ? nacker : undefined;
  });
}

/** Closes the data planes a file connected. */
export async function closeAll(planes: TestDataPlane[]): Promise<void> {
  for (const plane of planes) await plane.close();
}

/** shop/ghost: an HTTPRoute on the edge Gateway whose backend Service does not exist. */
export const GHOST_ROUTE: ApiObject = {
  apiVersion: 'crossway.dev/v1alpha1',
  kind: 'HTTPRoute',
  metadata: { name: 'ghost', namespace: 'shop' },
  spec: {
    parentRefs: [{ kind: 'Gateway', name: 'public', namespace: 'edge', sectionName: 'http' }],
    hostnames: ['ghost.example.com'],
    rules: [{ backendRefs: [{ name: 'nowhere', port: 80 }] }],
  },
};
