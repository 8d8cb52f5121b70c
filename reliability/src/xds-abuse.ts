// Support of the xDS abuse scenario (test/xds-abuse.test.ts): gRPC calls to any method
// path of the control plane, data-plane tokens the API cannot hand out (expired ones,
// signed with the store's own key), the control plane's Prometheus counters and CPU
// time, a flooding data plane, and change-to-ACK timing over raw ADS clients.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { Client, credentials, Metadata, status } from '@grpc/grpc-js';
import { issueDataPlaneToken, storeSigningKeys, storeTokenRecords } from '@crossway/auth';
import { EtcdStore } from '@crossway/store';
/* eslint-disable @nx/enforce-module-boundaries -- the controlplane's raw ADS test client and type URLs: the one wire-level client of the unit and reliability tests */
import { TYPE_URLS } from '../../apps/controlplane/src/contracts';
import {
  connect,
  type SotwClient,
  type SotwResponse,
  type StreamStatus,
  type TestNode,
} from '../../apps/controlplane/test/support/raw-ads-client';
/* eslint-enable @nx/enforce-module-boundaries */
import { ROOT, type ReliabilityStack } from './stack';

/** What a call to a method path answered: its final status and how many messages came. */
export interface MethodAnswer extends StreamStatus {
  messages: number;
}

/**
 * Opens a bidirectional stream on `path` (any method, known or not), sends `request`
 * bytes once and half-closes; resolves with the final status and the messages received.
 */
export function callMethod(
  port: number,
  path: string,
  request: Uint8Array,
  token?: string,
  deadlineMs = 5000,
): Promise<MethodAnswer> {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  const metadata = new Metadata();
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  const call = client.makeBidiStreamRequest<Uint8Array, Buffer>(
    path,
    (bytes) => Buffer.from(bytes),
    (bytes) => bytes,
    metadata,
    { deadline: Date.now() + deadlineMs },
  );
  let messages = 0;
  call.on('data', () => (messages += 1));
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: StreamStatus): void => {
      if (settled) return;
      settled = true;
      client.close();
      resolve({ ...answer, messages });
    };
    call.on('status', (s: { code: number; details: string }) => done(s));
    call.on('error', (e: { code?: number; details?: string }) =>
      done({ code: e.code ?? status.UNKNOWN, details: e.details ?? '' }),
    );
    call.write(request);
  });
}

/**
 * A data-plane token for `service` that expired an hour ago, signed with the signing
 * key in the stack's store (the API only issues tokens of at least a minute).
 */
export async function expiredProxylessToken(
  stack: ReliabilityStack,
  service: string,
): Promise<string> {
  const store = new EtcdStore({ endpoints: stack.etcd.endpoint, prefix: stack.prefix });
  try {
    const twoHoursAgo = () => new Date(Date.now() - 2 * 3_600_000);
    const { token } = await issueDataPlaneToken(
      { role: 'proxyless', service, ttlMs: 3_600_000, createdBy: 'xds-abuse' },
      {
        records: storeTokenRecords(store),
        keys: storeSigningKeys(store, twoHoursAgo),
        now: twoHoursAgo,
      },
    );
    return token;
  } finally {
    await store.close();
  }
}

/** The sum of a Prometheus metric's samples whose labels include `labels`. */
export async function metricValue(
  adminUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const sample = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => sample.includes(`${k}="${v}"`)))
      sum += Number(match[3]);
  }
  return sum;
}

/** User + system CPU seconds a process has used (Linux /proc; clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime is the 14th, stime the 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export const UNKNOWN_TYPE_URL = 'type.googleapis.com/crossway.abuse.NoSuchResource';

export interface FloodFigures {
  /** Requests the flooder meant to send (perSecond x its duration). */
  attempted: number;
  /** Of those, written to a stream open as far as it knew (the rest fell between streams). */
  sent: number;
  /** Streams the flooder opened (each cut one means a reconnect). */
  streams: number;
  /** Streams the control plane ended, by final status code. */
  endedWith: Record<string, number>;
  /** Responses the flooder received. */
  responses: number;
  durationMs: number;
}

/**
 * A data plane gone wrong: `perSecond` DiscoveryRequests on one SotW stream (repeated
 * ACKs of its last response, subscription changes between two EDS name lists, and
 * requests for an unknown type URL), every 10 ms as many as keep it on schedule. When
 * the control plane ends the stream it opens a new one at once on the same connection
 * (grpc-js shares it between channels to one address), with no back-off, and goes on.
 */
export class Flooder {
  private client: SotwClient | undefined;
  private open = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly figures: FloodFigures = {
    attempted: 0,
    sent: 0,
    streams: 0,
    endedWith: {},
    responses: 0,
    durationMs: 0,
  };
  private last: SotwResponse | undefined;
  private readonly streams: SotwClient[] = [];
  private startedAt = 0;
  private tick = 0;

  constructor(
    private readonly port: number,
    private readonly node: TestNode,
    private readonly token: string,
    private readonly edsNames: readonly [string[], string[]],
    private readonly perSecond = 1000,
  ) {}

  start(): void {
    this.startedAt = Date.now();
    this.reconnect();
    this.timer = setInterval(() => {
      const due = Math.floor(((Date.now() - this.startedAt) * this.perSecond) / 1000);
      while (this.figures.attempted < due) this.send();
    }, 10);
  }

  private reconnect(): void {
    // Earlier streams' channels stay open until stop(): they hold the shared connection,
    // so the new stream comes on the same one (as a grpc-js client reconnecting would).
    const client = connect(this.port, this.node, this.token, 120_000);
    this.streams.push(client);
    this.client = client;
    this.open = true;
    this.last = undefined;
    this.figures.streams += 1;
    client.request(TYPE_URLS.endpoints, [...this.edsNames[0]]);
    void this.read(client);
    void client.status.then((s) => {
      if (this.client !== client) return;
      this.open = false;
      const code = status[s.code] ?? String(s.code);
      this.figures.endedWith[code] = (this.figures.endedWith[code] ?? 0) + 1;
      if (this.timer !== undefined) this.reconnect();
    });
  }

  private async read(client: SotwClient): Promise<void> {
    while (this.client === client && this.open) {
      try {
        this.last = await client.waitForResponse(undefined, 1000);
        this.figures.responses += 1;
      } catch {
        // nothing within a second: look again while the stream is open
      }
    }
  }

  private send(): void {
    this.figures.attempted += 1;
    const client = this.client;
    if (!this.open || client === undefined) return;
    this.tick += 1;
    const kind = this.tick % 4;
    if (kind === 0 && this.last !== undefined) client.ack(this.last);
    else if (kind === 1) client.request(UNKNOWN_TYPE_URL, ['nothing']);
    else client.request(TYPE_URLS.endpoints, [...(this.edsNames[this.tick % 2] ?? [])]);
    this.figures.sent += 1;
  }

  async stop(): Promise<FloodFigures> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.figures.durationMs = Date.now() - this.startedAt;
    this.client = undefined;
    await Promise.all(this.streams.map((c) => c.close()));
    return { ...this.figures };
  }
}

export interface FloodOrders {
  port: number;
  token: string;
  node: TestNode;
  edsNames: [string[], string[]];
  perSecond: number;
}

/**
 * Starts a Flooder in its own process (xds-flooder-main.ts); resolves once it floods.
 * stop() ends it and resolves with its figures.
 */
export async function startFloodProcess(
  orders: FloodOrders,
): Promise<{ pid: number; stop(): Promise<FloodFigures> }> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawn(
    process.execPath,
    ['--import', tsx, join(ROOT, 'reliability', 'src', 'xds-flooder-main.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.base.json'),
        XDS_FLOOD: JSON.stringify(orders),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const next = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const onLine = (line: string): void => {
        cleanup();
        resolve(line);
      };
      const onExit = (code: number | null): void => {
        cleanup();
        reject(new Error(`the flood process exited with ${code ?? 'a signal'}`));
      };
      const cleanup = (): void => {
        lines.off('line', onLine);
        child.off('exit', onExit);
      };
      lines.once('line', onLine);
      child.once('exit', onExit);
    });
  const first = await next();
  if (first !== 'flooding') throw new Error(`the flood process said ${first}`);
  return {
    pid: child.pid ?? -1,
    stop: async () => {
      const figures = next();
      child.kill('SIGTERM');
      return JSON.parse(await figures) as FloodFigures;
    },
  };
}

/**
 * Raw SotW observers subscribed to one ClusterLoadAssignment, which ACK every response
 * at once. waitForPort(port) resolves with each observer's delay from `since` to the
 * moment it received (and ACKed) the assignment that carries an endpoint on `port`.
 */
export class EndpointObservers {
  private constructor(private readonly clients: SotwClient[]) {}

  static async open(
    port: number,
    nodes: TestNode[],
    token: (node: TestNode) => Promise<string>,
    clusterName: string,
  ): Promise<EndpointObservers> {
    const clients: SotwClient[] = [];
    for (const node of nodes) {
      const client = connect(port, node, await token(node), 600_000);
      client.request(TYPE_URLS.endpoints, [clusterName]);
      client.ack(await client.waitForResponse(TYPE_URLS.endpoints, 15_000));
      clients.push(client);
    }
    return new EndpointObservers(clients);
  }

  /** Each observer's ms from `since` until it ACKed an assignment with `endpointPort`. */
  waitForPort(endpointPort: number, since: number, timeoutMs = 15_000): Promise<number[]> {
    const needle = `"port_value":${endpointPort}`;
    return Promise.all(
      this.clients.map(async (client) => {
        const giveUpAt = Date.now() + timeoutMs;
        for (;;) {
          const left = giveUpAt - Date.now();
          if (left <= 0) throw new Error(`no assignment with port ${endpointPort} in time`);
          const response = await client.waitForResponse(TYPE_URLS.endpoints, left);
          client.ack(response);
          if (JSON.stringify(response.resources).includes(needle)) return Date.now() - since;
        }
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
  }
}
