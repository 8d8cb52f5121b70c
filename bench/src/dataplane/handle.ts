// The benchmark's side of a data-plane worker: forks worker-main.ts under tsx (with
// the workspace tsconfig, so the @crossway/* aliases resolve, like `npm start`),
// sends numbered commands and fans the worker's batched events out to listeners.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkerCommand, WorkerMessage } from './messages';
import type { AckEvent, ProxyProblem, ProxyState, WorkerHandle } from './types';

const require = createRequire(import.meta.url);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WORKER = fileURLToPath(new URL('./worker-main.ts', import.meta.url));

/** CROSSWAY_BENCH_WORKER_PROF_DIR=dir: each worker writes a --cpu-prof profile there. */
function profiling(): string[] {
  const dir = process.env['CROSSWAY_BENCH_WORKER_PROF_DIR'];
  return dir === undefined || dir === '' ? [] : ['--cpu-prof', '--cpu-prof-dir', dir];
}

type Command = WorkerCommand extends infer C ? (C extends unknown ? Omit<C, 'id'> : never) : never;

interface Pending {
  resolve(result: { proxies: ProxyState[] } | undefined): void;
  reject(error: Error): void;
}

class ForkedWorker implements WorkerHandle {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly ackListeners = new Set<(batch: AckEvent[]) => void>();
  private readonly problemListeners = new Set<(batch: ProxyProblem[]) => void>();
  private exited = false;
  readonly exit: Promise<void>;

  constructor(private readonly child: ChildProcess) {
    child.on('message', (raw) => this.onMessage(raw as WorkerMessage));
    this.exit = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        this.exited = true;
        for (const p of this.pending.values())
          p.reject(new Error(`data-plane worker exited (${signal ?? code})`));
        this.pending.clear();
        resolve();
      }),
    );
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private onMessage(message: WorkerMessage): void {
    if (message.type === 'acks') for (const l of this.ackListeners) l(message.batch);
    else if (message.type === 'problems') for (const l of this.problemListeners) l(message.batch);
    else if (message.type === 'reply') {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.ok) pending?.resolve(message.result);
      else pending?.reject(new Error(message.error));
    }
  }

  private command(command: Command): Promise<{ proxies: ProxyState[] } | undefined> {
    if (this.exited) return Promise.reject(new Error('data-plane worker has exited'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...command, id });
    });
  }

  async connect(proxies: Parameters<WorkerHandle['connect']>[0], xdsAddress: string) {
    await this.command({ op: 'connect', proxies, address: xdsAddress });
  }

  onAcks(listener: (batch: AckEvent[]) => void): () => void {
    this.ackListeners.add(listener);
    return () => this.ackListeners.delete(listener);
  }

  onProblems(listener: (batch: ProxyProblem[]) => void): () => void {
    this.problemListeners.add(listener);
    return () => this.problemListeners.delete(listener);
  }

  async state(): Promise<{ proxies: ProxyState[] }> {
    return (await this.command({ op: 'state' })) ?? { proxies: [] };
  }

  async disconnectAll(): Promise<void> {
    await this.command({ op: 'disconnect' });
  }

  async reconnectAll(xdsAddress: string): Promise<void> {
    await this.command({ op: 'reconnect', address: xdsAddress });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.command({ op: 'stop' }).catch(() => undefined);
    await this.exit;
    clearTimeout(timer);
  }
}

/** Forks one data-plane worker process and resolves once it has loaded the protos. */
export async function spawnDataPlaneWorker(options: { name?: string } = {}): Promise<WorkerHandle> {
  const child = fork(WORKER, [], {
    cwd: ROOT,
    execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href, ...profiling()],
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: `${ROOT}tsconfig.base.json`,
      ...(options.name === undefined ? {} : { CROSSWAY_BENCH_WORKER_NAME: options.name }),
    },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const worker = new ForkedWorker(child);
  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: WorkerMessage) => {
      if (message.type !== 'ready') return;
      child.off('message', onMessage);
      resolve();
    };
    child.on('message', onMessage);
    child.once('error', reject);
    void worker.exit.then(() => reject(new Error('data-plane worker exited before it was ready')));
  });
  return worker;
}
