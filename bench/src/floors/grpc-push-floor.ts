// The gRPC push floor: a raw grpc-js server in this process pushes one small message
// to N client streams held by a separate process (push-floor-client.ts, forked with
// tsx), which answers each at once. A round is timed from the start of the push to
// the last stream's answer; rounds run one after the other. No protobuf, no Crossway:
// what sending to N streams and hearing back costs on this machine.
import { once } from 'node:events';
import {
  Server,
  ServerCredentials,
  type ServerDuplexStream,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { forkTsx } from './fork-tsx';
import { summarize } from './percentiles';
import {
  HELLO,
  pushFloorMethod,
  roundMessage,
  roundOf,
  type PushFloorClientConfig,
  type PushFloorClientMessage,
} from './push-floor-wire';

export interface GrpcPushFloorOptions {
  /** TCP connections the streams are spread over. Default: one per stream. */
  connections?: number;
  /** Size of each pushed message. Default 64 bytes. */
  payloadBytes?: number;
  /** Unmeasured rounds first. Default min(5, rounds). */
  warmup?: number;
  /** Opening the streams, and each round, must finish within this long. Default 60 s. */
  timeoutMs?: number;
  logger?: Logger;
}

type Stream = ServerDuplexStream<Buffer, Buffer>;

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(port),
    ),
  );
}

/** Push -> last answer latency in ms (p50, p99) over `rounds` pushes to `streams` streams. */
export async function measureGrpcPushFloor(
  streams: number,
  rounds: number,
  options: GrpcPushFloorOptions = {},
): Promise<{ p50: number; p99: number }> {
  const payloadBytes = options.payloadBytes ?? 64;
  const warmup = options.warmup ?? Math.min(5, rounds);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const log = options.logger;

  const open: Stream[] = [];
  let answers = 0;
  let round = -1;
  /** Wakes whoever waits for the streams to open or a round to be answered. */
  let wake: () => void = () => undefined;
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
    wake();
  };

  const server = new Server({ 'grpc.max_concurrent_streams': 1_000_000 });
  const service: ServiceDefinition = { Push: pushFloorMethod };
  server.addService(service, {
    Push: (call: Stream) => {
      call.on('data', (message: Buffer) => {
        const answered = roundOf(message);
        if (answered === HELLO) {
          open.push(call);
          if (open.length === streams) wake();
        } else if (answered === round && ++answers === streams) wake();
      });
      call.on('error', () => undefined);
    },
  });
  const port = await listen(server);
  const config: PushFloorClientConfig = {
    address: `127.0.0.1:${port}`,
    streams,
    connections: Math.min(streams, options.connections ?? streams),
  };
  const child = forkTsx(new URL('./push-floor-client.ts', import.meta.url), [
    JSON.stringify(config),
  ]);
  child.on('message', (message: PushFloorClientMessage) => {
    if (message.type === 'failed') fail(new Error(`push floor client: ${message.message}`));
  });
  child.on('exit', (code, signal) =>
    fail(new Error(`push floor client exited (${code ?? signal})`)),
  );

  /** Resolves when `done()` holds, re-checked on every wake. */
  const until = (done: () => boolean, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`push floor: ${what} took over ${timeoutMs} ms`)),
        timeoutMs,
      );
      const check = (): void => {
        if (failure) {
          clearTimeout(timer);
          reject(failure);
        } else if (done()) {
          clearTimeout(timer);
          resolve();
        }
      };
      wake = check;
      check();
    });

  try {
    log?.info(config, 'push floor: opening client streams');
    await until(() => open.length === streams, `opening ${streams} streams`);
    log?.info({ streams, rounds, warmup, payloadBytes }, 'push floor: streams open, pushing');
    const latencies: number[] = [];
    for (let r = 0; r < warmup + rounds; r++) {
      round = r;
      answers = 0;
      const message = roundMessage(r, payloadBytes);
      const started = performance.now();
      for (const call of open) call.write(message);
      await until(() => answers === streams, `round ${r}`);
      if (r >= warmup) latencies.push(performance.now() - started);
    }
    const { p50, p99 } = summarize(latencies);
    log?.info({ streams, rounds, p50, p99 }, 'push floor measured');
    return { p50, p99 };
  } finally {
    child.removeAllListeners('exit');
    if (child.connected) child.send('stop');
    const exited =
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : once(child, 'exit');
    const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(killer);
    server.forceShutdown();
  }
}
