// The system under test for one reliability scenario: its own throwaway etcd (the
// scenarios kill, compact and restore it), and any number of API and control-plane
// replicas as separate child processes on one key prefix, so a scenario can SIGKILL
// one like a crash. Data planes are real grpc-js-xds clients and xDS-enabled servers
// (the controlplane e2e support), and API calls go through libs/client.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { CrosswayClient } from '@crossway/client';
import { freePort, startEtcd, type EtcdProcess } from '@crossway/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the suite drives real processes the way the benchmark does: one child-process wrapper for both
import { CrosswayChild, ROOT, waitForHttp, waitForPort } from '../../bench/src/run/child';
/* eslint-disable @nx/enforce-module-boundaries -- the same real grpc-js-xds data planes the controlplane e2e tests use */
import {
  XdsEchoClient,
  startXdsEchoServer,
  type NodeIdentity,
  type XdsEchoServer,
} from '../../apps/controlplane/test/support/e2e-xds';
/* eslint-enable @nx/enforce-module-boundaries */
// eslint-disable-next-line @nx/enforce-module-boundaries -- plain echo backends of the controlplane e2e tests
import { startEchoBackend, type EchoBackend } from '../../apps/controlplane/test/support/e2e-echo';
import { reliabilityLog } from './report';

export { ROOT };
export const API_VERSION = 'crossway.dev/v1alpha1';

export interface ApiReplica {
  readonly name: string;
  readonly child: CrosswayChild;
  readonly port: number;
  readonly url: string;
  /** libs/client with the admin token. */
  readonly client: CrosswayClient;
}

export interface ControlPlaneReplica {
  readonly name: string;
  child: CrosswayChild;
  readonly xdsPort: number;
  /** /metrics, /healthz and /readyz of this control plane. */
  readonly adminPort: number;
  readonly adminUrl: string;
}

export interface StackOptions {
  /** Names the log directory and the key prefix. */
  name: string;
  /** Extra environment for every Crossway process. */
  env?: Record<string, string>;
}

export class ReliabilityStack {
  readonly apis: ApiReplica[] = [];
  readonly controlPlanes: ControlPlaneReplica[] = [];
  readonly adminToken = randomBytes(24).toString('hex');
  readonly prefix: string;
  readonly logDir: string;
  readonly log: Logger;
  private readonly closers: (() => Promise<void> | void)[] = [];
  private nodeCounter = 0;
  private starts = 0;

  private constructor(
    readonly etcd: EtcdProcess,
    private readonly options: StackOptions,
  ) {
    this.prefix = `/reliability-${options.name}-${Date.now()}`;
    this.logDir = join(ROOT, 'tmp', 'reliability', 'logs', options.name);
    mkdirSync(this.logDir, { recursive: true });
    this.log = reliabilityLog.child({ scenario: options.name });
  }

  /** Starts a throwaway etcd for this scenario; processes are started on demand. */
  static async start(options: StackOptions): Promise<ReliabilityStack> {
    const etcd = await startEtcd();
    return new ReliabilityStack(etcd, options);
  }

  /** The environment every Crossway process of this stack shares. */
  baseEnv(): Record<string, string> {
    return {
      CROSSWAY_STORE: 'etcd',
      CROSSWAY_ETCD_ENDPOINTS: this.etcd.endpoint,
      CROSSWAY_ETCD_PREFIX: this.prefix,
      // One CA key for all replicas: they share the sealed CA in etcd.
      CROSSWAY_CA_KEY: this.caKey,
      CROSSWAY_ADMIN_TOKEN: this.adminToken,
      LOG_LEVEL: process.env['RELIABILITY_PROCESS_LOG'] ?? 'info',
      ...this.options.env,
    };
  }

  private readonly caKey = randomBytes(32).toString('base64');

  /** An API replica alone (no embedded control plane); resolves once /readyz answers 200. */
  async startApi(env: Record<string, string> = {}): Promise<ApiReplica> {
    const name = `api-${this.apis.length + 1}`;
    const port = await freePort();
    const child = this.spawn(name, 'apps/api/src/main.ts', {
      CROSSWAY_API_PORT: String(port),
      CROSSWAY_EMBEDDED_CONTROLPLANE: '0',
      ...env,
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/readyz`, 60_000, child);
    const replica: ApiReplica = {
      name,
      child,
      port,
      url,
      client: new CrosswayClient({ server: url, token: this.adminToken }),
    };
    this.apis.push(replica);
    this.log.info({ replica: name, pid: child.pid, url }, 'API replica ready');
    return replica;
  }

  /** A control-plane replica; resolves once its xDS port listens (not once it is ready). */
  async startControlPlane(env: Record<string, string> = {}): Promise<ControlPlaneReplica> {
    const name = `controlplane-${this.controlPlanes.length + 1}`;
    const xdsPort = await freePort();
    const adminPort = await freePort();
    const replica: ControlPlaneReplica = {
      name,
      xdsPort,
      adminPort,
      adminUrl: `http://127.0.0.1:${adminPort}`,
      child: this.spawnControlPlane(name, xdsPort, adminPort, env),
    };
    this.controlPlanes.push(replica);
    await waitForPort(xdsPort, 60_000, replica.child);
    this.log.info(
      { replica: name, pid: replica.child.pid, xdsPort, adminPort },
      'control plane listening',
    );
    return replica;
  }

  /** Starts a new process for `replica` on the same ports (after a kill or a stop). */
  async restartControlPlane(
    replica: ControlPlaneReplica,
    env: Record<string, string> = {},
  ): Promise<void> {
    await replica.child.stop('SIGKILL');
    replica.child = this.spawnControlPlane(replica.name, replica.xdsPort, replica.adminPort, env);
    await waitForPort(replica.xdsPort, 60_000, replica.child);
  }

  private spawnControlPlane(
    name: string,
    xdsPort: number,
    adminPort: number,
    env: Record<string, string>,
  ): CrosswayChild {
    return this.spawn(name, 'apps/controlplane/src/main.ts', {
      CROSSWAY_XDS_PORT: String(xdsPort),
      CROSSWAY_METRICS_PORT: String(adminPort),
      ...env,
    });
  }

  private spawn(name: string, entry: string, env: Record<string, string>): CrosswayChild {
    this.starts += 1;
    const child = new CrosswayChild({
      name,
      entry,
      env: { ...this.baseEnv(), ...env },
      logFile: join(this.logDir, `${name}-${this.starts}.log`),
    });
    this.closers.push(() => child.stop('SIGKILL', 1000));
    return child;
  }

  /** libs/client on the first API replica, with `token` (the admin token by default). */
  client(token: string = this.adminToken, api: ApiReplica | undefined = this.apis[0]) {
    if (api === undefined) throw new Error('no API replica started');
    return new CrosswayClient({ server: api.url, token });
  }

  /** A fresh data-plane token for a proxyless node of Service "ns/name". */
  async proxylessToken(service: string): Promise<string> {
    const answer = await this.client().createToken({
      type: 'dataplane',
      role: 'proxyless',
      service,
      ttl: '1h',
    });
    return answer.token;
  }

  /**
   * A proxyless client of `target` ("xds:///svc.ns:port") as Service `as`, on the
   * control plane(s) named by `xds` (a replica, or a gRPC target over several).
   */
  async xdsClient(
    target: string,
    options: { as?: string; xds?: ControlPlaneReplica | string; node?: Partial<NodeIdentity> } = {},
  ): Promise<XdsEchoClient> {
    const as = options.as ?? 'reliability/caller';
    const token = await this.proxylessToken(as);
    this.nodeCounter += 1;
    const client = new XdsEchoClient(target, this.xdsTarget(options.xds), {
      id: `${this.options.name}-client-${this.nodeCounter}`,
      service: as,
      token,
      ...options.node,
    });
    this.closers.push(() => client.close());
    return client;
  }

  /** An xDS-enabled echo server of Service `as` on 127.0.0.1:`port`. */
  async xdsServer(
    name: string,
    as: string,
    port: number,
    xds?: ControlPlaneReplica | string,
  ): Promise<XdsEchoServer> {
    const token = await this.proxylessToken(as);
    this.nodeCounter += 1;
    const server = await startXdsEchoServer({
      name,
      port,
      xdsPort: this.xdsTarget(xds),
      node: { id: `${this.options.name}-server-${this.nodeCounter}`, service: as, token },
    });
    this.closers.push(() => server.close());
    return server;
  }

  /** A plain gRPC echo backend on a free loopback port (a Workload's address). */
  async backend(name: string): Promise<EchoBackend> {
    const backend = await startEchoBackend(name);
    this.closers.push(() => backend.close());
    return backend;
  }

  private xdsTarget(xds: ControlPlaneReplica | string | undefined): number | string {
    if (typeof xds === 'string') return xds;
    const replica = xds ?? this.controlPlanes[0];
    if (replica === undefined) throw new Error('no control plane started');
    return replica.xdsPort;
  }

  /** Stops every process, client and server of the stack, then etcd. */
  async close(): Promise<void> {
    for (const close of this.closers.reverse()) {
      try {
        await close();
      } catch (error) {
        this.log.warn({ err: error }, 'closing failed');
      }
    }
    await this.etcd.stop();
  }
}

/** Retries `check` until it returns true or `timeoutMs` passes; then fails naming `what`. */
export async function eventually(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 10_000,
  intervalMs = 100,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    try {
      if (await check()) return Date.now() - started;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Manifest builders for the shapes the scenarios use. */
export const manifests = {
  meshWithoutMtls: () => ({
    apiVersion: API_VERSION,
    kind: 'Mesh',
    metadata: { name: 'default' },
    spec: { mtls: { mode: 'DISABLED' } },
  }),
  service: (namespace: string, name: string, port: number) => ({
    apiVersion: API_VERSION,
    kind: 'Service',
    metadata: { name, namespace },
    spec: { ports: [{ name: 'grpc', port, protocol: 'grpc' }] },
  }),
  workload: (namespace: string, name: string, service: string, port: number) => ({
    apiVersion: API_VERSION,
    kind: 'Workload',
    metadata: { name, namespace },
    spec: { service, address: '127.0.0.1', ports: [{ name: 'grpc', port }] },
  }),
  route: (
    namespace: string,
    name: string,
    parent: { service: string; port: number },
    rules: Record<string, unknown>[],
  ) => ({
    apiVersion: API_VERSION,
    kind: 'HTTPRoute',
    metadata: { name, namespace },
    spec: { parentRefs: [{ kind: 'Service', name: parent.service, port: parent.port }], rules },
  }),
};
