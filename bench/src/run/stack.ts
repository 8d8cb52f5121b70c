// The system under test for one workload: the control plane and the API as separate
// child processes on one etcd (a fresh key prefix per workload), both with the
// change trace on. The API runs alone (CROSSWAY_EMBEDDED_CONTROLPLANE=0), so the
// control plane measured is the only one.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { freePort } from '@crossway/testing';
import { ApiClient } from './api-client';
import { CrosswayChild, waitForHttp, waitForPort } from './child';

export interface StackOptions {
  etcdEndpoint: string;
  label: string;
  logDir: string;
  cpuProfDir?: string;
  log: Logger;
}

export class Stack {
  api!: ApiClient;
  apiChild!: CrosswayChild;
  controlPlane: CrosswayChild | undefined;
  xdsPort = 0;
  metricsPort: number | undefined;
  private readonly env: Record<string, string>;
  private restarts = 0;

  constructor(private readonly options: StackOptions) {
    mkdirSync(options.logDir, { recursive: true });
    this.env = {
      CROSSWAY_STORE: 'etcd',
      CROSSWAY_ETCD_ENDPOINTS: options.etcdEndpoint,
      CROSSWAY_ETCD_PREFIX: `/bench-${options.label}-${Date.now()}`,
      CROSSWAY_CA_KEY: randomBytes(32).toString('base64'),
      CROSSWAY_TRACE_CHANGES: '1',
    };
  }

  get xdsAddress(): string {
    return `127.0.0.1:${this.xdsPort}`;
  }

  async startApi(): Promise<void> {
    const port = await freePort();
    const token = randomBytes(24).toString('hex');
    this.apiChild = new CrosswayChild({
      name: 'api',
      entry: 'apps/api/src/main.ts',
      env: {
        ...this.env,
        CROSSWAY_API_PORT: String(port),
        // The API alone: the control plane under test runs in its own process.
        CROSSWAY_EMBEDDED_CONTROLPLANE: '0',
        CROSSWAY_ADMIN_TOKEN: token,
        LOG_LEVEL: 'warn',
      },
      logFile: join(this.options.logDir, `${this.options.label}-api.log`),
      ...(this.options.cpuProfDir === undefined ? {} : { cpuProfDir: this.options.cpuProfDir }),
    });
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/readyz`, 60_000, this.apiChild);
    this.api = new ApiClient(base, token);
    this.options.log.info({ pid: this.apiChild.pid, url: base }, 'API ready');
  }

  /** Starts (or restarts, same port) the control plane; resolves when its port listens. */
  async startControlPlane(): Promise<CrosswayChild> {
    if (this.xdsPort === 0) this.xdsPort = await freePort();
    this.metricsPort ??= await freePort();
    this.restarts += 1;
    const child = new CrosswayChild({
      name: 'controlplane',
      entry: 'apps/controlplane/src/main.ts',
      env: {
        ...this.env,
        CROSSWAY_XDS_PORT: String(this.xdsPort),
        CROSSWAY_METRICS_PORT: String(this.metricsPort),
        LOG_LEVEL: 'info',
      },
      logFile: join(this.options.logDir, `${this.options.label}-controlplane-${this.restarts}.log`),
      ...(this.options.cpuProfDir === undefined ? {} : { cpuProfDir: this.options.cpuProfDir }),
    });
    this.controlPlane = child;
    await waitForPort(this.xdsPort, 60_000, child);
    this.options.log.info({ pid: child.pid, xds: this.xdsAddress }, 'control plane listening');
    return child;
  }

  /** SIGKILL, like a crash (no profile is written for this process). */
  async killControlPlane(): Promise<void> {
    await this.controlPlane?.stop('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.controlPlane?.stop();
    await this.apiChild?.stop();
  }
}
