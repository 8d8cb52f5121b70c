// One live environment for an end-to-end test file: an etcd store under a fresh key
// prefix, the REST API over it, the control plane on a free xDS port, and the
// bookkeeping that closes every backend, server and channel a test opened.
import { EtcdStore } from '@crossway/store';
import { etcdEndpointForTests, freePort, uniqueTestPrefix } from '@crossway/testing';
import { startApi, type ApiClient } from './e2e-api';
import { runControlPlane, type RunningControlPlane } from './e2e-control-plane';
import { startEchoBackend, type EchoBackend } from './e2e-echo';
import {
  XdsEchoClient,
  startXdsEchoServer,
  type NodeIdentity,
  type XdsEchoServer,
} from './e2e-xds';

export interface E2eEnv {
  readonly api: ApiClient;
  readonly xdsPort: number;
  readonly etcdEndpoints: string;
  readonly prefix: string;
  controlPlane: RunningControlPlane | undefined;
  /** A plain echo backend, closed with the environment. */
  backend(name: string): Promise<EchoBackend>;
  /** A proxyless client of `target` with a fresh token for Service "ns/name" `as`. */
  client(target: string, as?: string, node?: Partial<NodeIdentity>): Promise<XdsEchoClient>;
  /** An xDS-enabled echo server of Service "ns/name" `as` on 127.0.0.1:`port`. */
  xdsServer(name: string, as: string, port: number): Promise<XdsEchoServer>;
  restartControlPlane(between?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

let nodeCounter = 0;

export async function startE2eEnv(options: { etcdEndpoints?: string } = {}): Promise<E2eEnv> {
  const etcdEndpoints = options.etcdEndpoints ?? (await etcdEndpointForTests());
  const prefix = uniqueTestPrefix('e2e');
  const apiStore = new EtcdStore({ endpoints: etcdEndpoints, prefix });
  const api = await startApi(apiStore);
  const xdsPort = await freePort();
  const closers: (() => Promise<void> | void)[] = [];

  const env: E2eEnv = {
    api,
    xdsPort,
    etcdEndpoints,
    prefix,
    controlPlane: await runControlPlane({ etcdEndpoints, prefix, port: xdsPort }),
    backend: async (name) => {
      const backend = await startEchoBackend(name);
      closers.push(() => backend.close());
      return backend;
    },
    client: async (target, as = 'e2e/caller', node = {}) => {
      const token = await api.proxylessToken(as);
      nodeCounter += 1;
      const client = new XdsEchoClient(target, xdsPort, {
        id: `e2e-client-${nodeCounter}-${process.pid}`,
        service: as,
        token,
        ...node,
      });
      closers.push(() => client.close());
      return client;
    },
    xdsServer: async (name, as, port) => {
      const token = await api.proxylessToken(as);
      nodeCounter += 1;
      const server = await startXdsEchoServer({
        name,
        port,
        xdsPort,
        node: { id: `e2e-server-${nodeCounter}-${process.pid}`, service: as, token },
      });
      closers.push(() => server.close());
      return server;
    },
    restartControlPlane: async (between) => {
      await env.controlPlane?.stop();
      env.controlPlane = undefined;
      await between?.();
      env.controlPlane = await runControlPlane({ etcdEndpoints, prefix, port: xdsPort });
    },
    close: async () => {
      for (const close of closers.reverse()) await close();
      await env.controlPlane?.stop();
      await api.close();
      await apiStore.close();
    },
  };
  return env;
}

/** Retries `check` until it returns true or `timeoutMs` passes; then fails with `what`. */
export async function eventually(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Waits until a call through `client` is served by `backend` (config has arrived). */
export function servedBy(
  client: XdsEchoClient,
  backend: string,
  options: { headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<void> {
  return eventually(
    `${client.target} to be served by ${backend}`,
    async () => {
      const result = await client.call({
        deadlineMs: 1000,
        ...(options.headers ? { headers: options.headers } : {}),
      });
      return result.ok && result.backend === backend;
    },
    options.timeoutMs ?? 10_000,
  );
}
