// Throwaway etcd members for tests: free loopback ports, a temp data dir, ready in
// well under a second. Every member still running when the process exits is killed
// and its temp dir removed, so a crashed test run leaves nothing behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface EtcdProcess {
  /** Client URL, e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly dataDir: string;
  /** Stops etcd for good and removes the data dir if startEtcd created it. */
  stop(): Promise<void>;
  /** Stops etcd gracefully and starts it again on the same ports and data dir. */
  restart(): Promise<void>;
  /** SIGKILLs etcd (a crash); the data dir stays, so restart() brings it back. */
  kill(): Promise<void>;
  /**
   * A cold backup: stops etcd, copies its data dir to `target` (a new directory), and
   * starts it again. restoreDataDir(target) later puts the store back to this state.
   */
  copyDataDir(target: string): Promise<void>;
  /**
   * Restores a backup made by copyDataDir: kills etcd, replaces its data dir with a copy
   * of `source` and starts it again. The store's revision goes back to the backup's.
   */
  restoreDataDir(source: string): Promise<void>;
}

export interface StartEtcdOptions {
  /** Data dir to use; kept on stop. Default: a fresh temp dir, removed on stop. */
  dataDir?: string;
  /** etcd binary. Default: findEtcdBinary(). */
  binary?: string;
  /** How long to wait for `/health`. Default 15 s. */
  readyTimeoutMs?: number;
}

export const ETCD_INSTALL_HINT =
  'etcd is not installed: install it with `apt-get install -y etcd-server` (etcd 3.4+), put an `etcd` binary on PATH, or set CROSSWAY_ETCD_BINARY';

const live = new Set<{ child: ChildProcess | undefined; tempDir: string | undefined }>();
let exitHookInstalled = false;

function reapAll(): void {
  for (const member of live) {
    member.child?.kill('SIGKILL');
    if (member.tempDir !== undefined) rmSync(member.tempDir, { recursive: true, force: true });
  }
  live.clear();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', reapAll);
  // Test runners end their workers with SIGTERM, which skips 'exit' handlers. Clean
  // up, then let the signal do what it would have done had we not listened.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      reapAll();
      process.removeListener(signal, onSignal);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** CROSSWAY_ETCD_BINARY if set, else `etcd` on PATH, else the usual install locations. */
export function findEtcdBinary(): string | undefined {
  const chosen = process.env['CROSSWAY_ETCD_BINARY'];
  if (chosen !== undefined && chosen !== '') return executable(chosen) ? chosen : undefined;
  const candidates = (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, 'etcd'));
  candidates.push('/usr/bin/etcd', '/usr/local/bin/etcd');
  return candidates.find(executable);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export function etcdArgs(dataDir: string, clientPort: number, peerPort: number): string[] {
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const flags: Record<string, string> = {
    name: 't',
    'data-dir': dataDir,
    'listen-client-urls': client,
    'advertise-client-urls': client,
    'listen-peer-urls': peer,
    'initial-advertise-peer-urls': peer,
    'initial-cluster': `t=${peer}`,
    'initial-cluster-state': 'new',
    'heartbeat-interval': '10',
    'election-timeout': '100',
    logger: 'zap',
    'log-level': 'warn',
  };
  return Object.entries(flags).flatMap(([flag, value]) => [`--${flag}`, value]);
}

async function isHealthy(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
    const body: unknown = await response.json();
    return typeof body === 'object' && body !== null && 'health' in body && body.health === 'true';
  } catch {
    return false;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  child.ref();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

interface Launch {
  child: ChildProcess;
  stderr: () => string;
}

function launch(binary: string, args: string[]): Launch {
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  });
  child.on('error', (error) => {
    tail += `\n${error.message}`;
  });
  // Tests must be able to exit even if they forget to stop a member.
  child.unref();
  if (child.stderr instanceof Socket) child.stderr.unref();
  return { child, stderr: () => tail };
}

async function waitReady(endpoint: string, started: Launch, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { child } = started;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `etcd exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${started.stderr()}`,
      );
    }
    if (await isHealthy(endpoint)) return;
    await delay(20);
  }
  started.child.kill('SIGKILL');
  throw new Error(
    `etcd at ${endpoint} was not healthy after ${timeoutMs} ms:\n${started.stderr()}`,
  );
}

export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdProcess> {
  const binary = options.binary ?? findEtcdBinary();
  if (binary === undefined) throw new Error(ETCD_INSTALL_HINT);
  const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
  const tempDir =
    options.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'crossway-etcd-')) : undefined;
  const dataDir = options.dataDir ?? tempDir ?? '';
  const member: { child: ChildProcess | undefined; tempDir: string | undefined } = {
    child: undefined,
    tempDir,
  };
  installExitHook();
  live.add(member);

  const removeTempDir = (): void => {
    live.delete(member);
    if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
  };

  // A port picked free can be taken before etcd binds it: retry with new ports.
  let clientPort = 0;
  let peerPort = 0;
  let lastError: unknown;
  for (let attempt = 0; attempt < 3 && member.child === undefined; attempt++) {
    clientPort = await freePort();
    do peerPort = await freePort();
    while (peerPort === clientPort);
    const started = launch(binary, etcdArgs(dataDir, clientPort, peerPort));
    try {
      await waitReady(`http://127.0.0.1:${clientPort}`, started, readyTimeoutMs);
      member.child = started.child;
    } catch (error) {
      lastError = error;
      started.child.kill('SIGKILL');
      await waitForExit(started.child, 2000);
    }
  }
  if (member.child === undefined) {
    removeTempDir();
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  }
  const endpoint = `http://127.0.0.1:${clientPort}`;

  const relaunch = async (): Promise<void> => {
    const started = launch(binary, etcdArgs(dataDir, clientPort, peerPort));
    member.child = started.child;
    await waitReady(endpoint, started, readyTimeoutMs);
  };

  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const child = member.child;
    if (child === undefined) return;
    member.child = undefined;
    child.kill(signal);
    if (!(await waitForExit(child, 5000))) {
      child.kill('SIGKILL');
      await waitForExit(child, 5000);
    }
  };

  return {
    endpoint,
    clientPort,
    peerPort,
    dataDir,
    stop: async () => {
      await halt('SIGTERM');
      removeTempDir();
    },
    kill: () => halt('SIGKILL'),
    restart: async () => {
      await halt('SIGTERM');
      await relaunch();
    },
    copyDataDir: async (target) => {
      await halt('SIGTERM');
      cpSync(dataDir, target, { recursive: true, errorOnExist: true, force: false });
      await relaunch();
    },
    restoreDataDir: async (source) => {
      await halt('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      cpSync(source, dataDir, { recursive: true });
      await relaunch();
    },
  };
}
