#!/usr/bin/env node
// Runs a command against a throwaway etcd: free loopback ports, a temp data dir,
// CROSSWAY_TEST_ETCD_ENDPOINTS exported to the command. etcd is stopped and its
// data dir removed afterwards, whatever happens (failure, SIGINT, SIGTERM), and the
// exit code is the command's.
//
//   node scripts/with-etcd.mjs nx run-many -t test
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { constants as osConstants, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const INSTALL_HINT =
  'with-etcd: etcd not found. Install it with `apt-get install -y etcd-server` (etcd 3.4+), put an `etcd` binary on PATH, or set CROSSWAY_ETCD_BINARY.';
const root = dirname(dirname(fileURLToPath(import.meta.url)));

function findEtcd() {
  const chosen = process.env.CROSSWAY_ETCD_BINARY;
  if (chosen) return executable(chosen) ? chosen : undefined;
  const candidates = (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'etcd'));
  candidates.push('/usr/bin/etcd', '/usr/local/bin/etcd');
  return candidates.find(executable);
}

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function healthy(endpoint) {
  try {
    const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
    return (await response.json()).health === 'true';
  } catch {
    return false;
  }
}

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child, ms) {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function startEtcd(binary, dataDir) {
  for (let attempt = 1; ; attempt++) {
    const clientPort = await freePort();
    let peerPort = await freePort();
    while (peerPort === clientPort) peerPort = await freePort();
    const client = `http://127.0.0.1:${clientPort}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    // The flags of platform-facts.md: a single member, ready in well under a second.
    const args = [
      ['name', 't'],
      ['data-dir', dataDir],
      ['listen-client-urls', client],
      ['advertise-client-urls', client],
      ['listen-peer-urls', peer],
      ['initial-advertise-peer-urls', peer],
      ['initial-cluster', `t=${peer}`],
      ['initial-cluster-state', 'new'],
      ['heartbeat-interval', '10'],
      ['election-timeout', '100'],
      ['logger', 'zap'],
      ['log-level', 'warn'],
    ].flatMap(([flag, value]) => [`--${flag}`, value]);
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    child.on('error', (error) => (stderr += `\n${error.message}`));
    const deadline = Date.now() + 15_000;
    while (!exited(child) && Date.now() < deadline && !(await healthy(client))) await delay(20);
    if (!exited(child) && (await healthy(client))) return { child, endpoint: client };
    child.kill('SIGKILL');
    await waitExit(child, 2000);
    // A port picked free can be taken before etcd binds it: try new ports.
    rmSync(dataDir, { recursive: true, force: true });
    if (attempt === 3) throw new Error(`etcd did not become healthy:\n${stderr}`);
  }
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (command === undefined) {
    console.error('usage: node scripts/with-etcd.mjs <command> [args...]');
    return 2;
  }
  const binary = findEtcd();
  if (binary === undefined) {
    console.error(INSTALL_HINT);
    return 1;
  }

  const dataDir = mkdtempSync(join(tmpdir(), 'crossway-with-etcd-'));
  let etcd;
  let commandChild;
  let stopping = false;

  const cleanup = async () => {
    if (etcd !== undefined && !exited(etcd.child)) {
      etcd.child.kill('SIGTERM');
      if (!(await waitExit(etcd.child, 5000))) etcd.child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  // Last resort if we are torn down without running cleanup.
  process.on('exit', () => {
    if (etcd !== undefined && !exited(etcd.child)) etcd.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const onSignal = (signal) => {
    if (commandChild !== undefined && !exited(commandChild)) {
      // Pass it on; cleanup runs once the command has exited. A second signal forces it.
      if (stopping) commandChild.kill('SIGKILL');
      else commandChild.kill(signal);
      stopping = true;
      return;
    }
    void cleanup().then(() => process.exit(128 + (osConstants.signals[signal] ?? 15)));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal);

  try {
    etcd = await startEtcd(binary, dataDir);
  } catch (error) {
    console.error(`with-etcd: ${error.message}`);
    await cleanup();
    return 1;
  }
  etcd.child.on('exit', (code, signal) => {
    if (!stopping) console.error(`with-etcd: etcd exited unexpectedly (${code ?? signal})`);
  });
  console.error(`with-etcd: etcd ${etcd.endpoint} (data ${dataDir})`);

  const env = {
    ...process.env,
    CROSSWAY_TEST_ETCD_ENDPOINTS: etcd.endpoint,
    PATH: `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
  };
  commandChild = spawn(command, args, { stdio: 'inherit', env });
  const result = await new Promise((resolve) => {
    commandChild.on('error', (error) => {
      console.error(`with-etcd: cannot run ${command}: ${error.message}`);
      resolve(127);
    });
    commandChild.on('exit', (code, signal) =>
      resolve(code ?? 128 + (osConstants.signals[signal] ?? 15)),
    );
  });
  stopping = true;
  await cleanup();
  return result;
}

process.exitCode = await main();
