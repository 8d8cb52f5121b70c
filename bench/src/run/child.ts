// A Crossway process (control plane or API) run as a child with tsx: its stdout's
// pino lines go to a log file, change-trace lines are parsed as they come, and
// its RSS is read from /proc. Started with plain `node --import tsx` so the pid is
// the process doing the work (and --cpu-prof applies to it).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseTraceLine, type TraceRound } from './trace';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface ChildOptions {
  name: string;
  /** Entry point relative to the repo root. */
  entry: string;
  env: Record<string, string>;
  logFile: string;
  /** Directory for --cpu-prof output; absent: no profile. */
  cpuProfDir?: string;
}

export class CrosswayChild {
  readonly rounds: TraceRound[] = [];
  readonly startedAt: number;
  private readonly child: ChildProcess;
  private readonly log: WriteStream;
  private readonly roundListeners = new Set<(round: TraceRound) => void>();
  private exited: Promise<number | null>;

  constructor(readonly options: ChildOptions) {
    const nodeArgs = ['--import', TSX_LOADER];
    if (options.cpuProfDir !== undefined)
      nodeArgs.push('--cpu-prof', '--cpu-prof-dir', options.cpuProfDir);
    this.startedAt = performance.timeOrigin + performance.now();
    this.log = createWriteStream(options.logFile, { flags: 'a' });
    this.child = spawn(process.execPath, [...nodeArgs, join(ROOT, options.entry)], {
      cwd: ROOT,
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.base.json'),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    const { stdout, stderr } = this.child;
    if (stdout === null || stderr === null) throw new Error('child without stdio pipes');
    const lines = createInterface({ input: stdout });
    lines.on('line', (line) => {
      this.log.write(line + '\n');
      const round = parseTraceLine(line);
      if (round === undefined) return;
      this.rounds.push(round);
      for (const listener of this.roundListeners) listener(round);
    });
    stderr.on('data', (chunk: Buffer) => this.log.write(chunk));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** True while the process runs. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first round whose revision is at least `revision`. */
  waitForRound(revision: number, timeoutMs: number): Promise<TraceRound | undefined> {
    const found = this.rounds.find((r) => r.revision >= revision);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.roundListeners.delete(listener);
        resolve(undefined);
      }, timeoutMs);
      const listener = (round: TraceRound): void => {
        if (round.revision < revision) return;
        clearTimeout(timer);
        this.roundListeners.delete(listener);
        resolve(round);
      };
      this.roundListeners.add(listener);
    });
  }

  /** Resident set size in MB, from /proc. */
  rssMb(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    return kb / 1024;
  }

  /** SIGTERM (graceful, writes a CPU profile), SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    this.log.end();
  }
}

/** Resolves once a TCP connect to 127.0.0.1:port succeeds. */
export async function waitForPort(port: number, timeoutMs: number, child?: CrosswayChild) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child !== undefined && !child.running)
      throw new Error(`${child.options.name} exited; see ${child.options.logFile}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
}

/** Resolves once GET url answers 200. */
export async function waitForHttp(url: string, timeoutMs: number, child?: CrosswayChild) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child !== undefined && !child.running)
      throw new Error(`${child.options.name} exited; see ${child.options.logFile}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}
