// The data-plane worker process (forked by handle.ts with tsx): holds the streams of
// many simulated proxies, answers the benchmark's commands over IPC and pushes
// ACKs and problems to it in batches. Logs (pino, stderr) a line per command and
// periodic counts while streams are open.
import pino from 'pino';
import { loadEnvoyProtos } from '@crossway/protos';
import { Batcher } from './batcher';
import { ChannelPool } from './channel-pool';
import { discoveryTypes } from './codec';
import type { WorkerCommand, WorkerMessage } from './messages';
import { SimulatedAdsProxy } from './proxy';
import type { AckEvent, ProxyProblem, ProxyState } from './types';

const name = process.env['CROSSWAY_BENCH_WORKER_NAME'] ?? `dataplane-${process.pid}`;
const perChannel = Number(process.env['CROSSWAY_BENCH_STREAMS_PER_CHANNEL'] ?? 100);
const log = pino(
  { name, level: process.env['CROSSWAY_BENCH_DATAPLANE_LOG'] ?? 'info' },
  pino.destination(2),
);

function send(message: WorkerMessage): void {
  process.send?.(message);
}

const counts = { acks: 0, problems: 0 };
const acks = new Batcher<AckEvent>((batch) => send({ type: 'acks', batch }));
const problems = new Batcher<ProxyProblem>((batch) => send({ type: 'problems', batch }));
const reporter = {
  ack(event: AckEvent) {
    counts.acks += 1;
    acks.add(event);
  },
  problem(problem: ProxyProblem) {
    counts.problems += 1;
    if (counts.problems <= 20) log.warn(problem, 'proxy problem');
    problems.add(problem);
  },
};

const proxies = new Map<string, SimulatedAdsProxy>();
let pool: ChannelPool | undefined;
let open = false;

async function connect(command: Extract<WorkerCommand, { op: 'connect' }>): Promise<void> {
  pool ??= new ChannelPool(command.address, perChannel);
  const opened: SimulatedAdsProxy[] = [];
  for (const spec of command.proxies) {
    if (proxies.has(spec.id)) throw new Error(`proxy ${spec.id} is already connected`);
    const proxy = new SimulatedAdsProxy(spec, reporter, pool.next());
    proxies.set(spec.id, proxy);
    opened.push(proxy);
  }
  await pool.ready();
  for (const proxy of opened) proxy.open();
  open = true;
  log.info({ proxies: opened.length, channels: pool.size }, 'streams open');
}

function disconnect(): void {
  for (const proxy of proxies.values()) proxy.close();
  pool?.close();
  if (open) log.info({ proxies: proxies.size }, 'streams closed');
  open = false;
}

async function reconnect(address: string): Promise<void> {
  for (const proxy of proxies.values()) proxy.close();
  pool ??= new ChannelPool(address, perChannel);
  pool.retarget(address);
  for (const proxy of proxies.values()) proxy.channel = pool.next();
  await pool.ready();
  for (const proxy of proxies.values()) proxy.open();
  open = true;
  log.info({ proxies: proxies.size, channels: pool.size }, 'streams reopened');
}

function state(): { proxies: ProxyState[] } {
  acks.flush();
  problems.flush();
  return {
    proxies: [...proxies.values()].map((p) => ({
      id: p.spec.id,
      versions: p.versions(),
      bytes: p.bytes,
    })),
  };
}

async function handle(command: WorkerCommand): Promise<{ proxies: ProxyState[] } | undefined> {
  switch (command.op) {
    case 'connect':
      await connect(command);
      return undefined;
    case 'state':
      return state();
    case 'disconnect':
      disconnect();
      return undefined;
    case 'reconnect':
      await reconnect(command.address);
      return undefined;
    case 'stop':
      disconnect();
      acks.flush();
      problems.flush();
      return undefined;
  }
}

process.on('message', (raw) => {
  const command = raw as WorkerCommand;
  handle(command).then(
    (result) => {
      send({ type: 'reply', id: command.id, ok: true, ...(result ? { result } : {}) });
      if (command.op === 'stop') process.disconnect();
    },
    (error: unknown) =>
      send({
        type: 'reply',
        id: command.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      }),
  );
});
// The parent went away: nothing left to report to.
process.on('disconnect', () => {
  disconnect();
  setTimeout(() => process.exit(0), 100).unref();
});

let last = { acks: -1, problems: -1 };
setInterval(() => {
  if (last.acks === counts.acks && last.problems === counts.problems) return;
  last = { ...counts };
  const bytes = [...proxies.values()].reduce((sum, p) => sum + p.bytes, 0);
  log.info({ proxies: proxies.size, ...counts, bytes }, 'progress');
}, 5000).unref();

loadEnvoyProtos();
discoveryTypes();
send({ type: 'ready' });
