// Live mTLS end to end with real proxyless gRPC: the API (with its CA) and the control
// plane (real data-plane tokens) over one store, Mesh STRICT, and three proxyless
// workloads whose certificates `crossway agent --once` wrote from their bootstrap
// tokens. An xDS-enabled server of Service s allows Service a by AuthorizationPolicy:
// a's call succeeds over mTLS, b's is denied by the server's RBAC on b's certificate
// identity, a caller with a certificate from another CA fails the handshake, and a
// plaintext client cannot talk to s at all.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTokenRecords } from '@crossway/auth';
// The live test runs the real control plane in-process, as `npm start` does.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startControlPlane, type ControlPlane } from '@crossway/controlplane';
import { loadOrCreateAuthority, spiffeIdsOf } from '@crossway/identity';
import { MemoryStore } from '@crossway/store';
import { freePort } from '@crossway/testing';
// The CLI tests drive the real API app in-process (its build()), not a copy.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { build } from '../../api/src/server';
import { agentPaths } from '../src/agent/paths';
import { ADMIN_TOKEN, crossway } from './support/harness';

// grpc-js-xds reads its feature switches when it is loaded: RBAC on servers is opt-in.
process.env['GRPC_XDS_EXPERIMENTAL_RBAC'] = 'true';
const grpcXds = await import('@grpc/grpc-js-xds');
grpcXds.register();

const BOOTSTRAP_OPTION = 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config';
const NS = 'mtls';
const SERVICE_PORT = 50051;
const ECHO_PATH = '/crossway.mtls.Echo/Echo';

const serialize = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const deserialize = (bytes: Buffer): { caller: string } =>
  JSON.parse(bytes.toString('utf8')) as { caller: string };

const echoService: grpc.ServiceDefinition = {
  Echo: {
    path: ECHO_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: serialize,
    requestDeserialize: deserialize,
    responseSerialize: serialize,
    responseDeserialize: deserialize,
  },
};

interface CallResult {
  ok: boolean;
  code?: grpc.status;
  details?: string;
}

function call(client: grpc.Client, caller: string, deadlineMs = 1_500): Promise<CallResult> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      ECHO_PATH,
      serialize,
      deserialize,
      { caller },
      new grpc.Metadata(),
      { deadline: Date.now() + deadlineMs },
      (error) =>
        resolve(error ? { ok: false, code: error.code, details: error.details } : { ok: true }),
    );
  });
}

/** Calls until the answer is final (not "no config or connection yet"), at most 20 s. */
async function settledCall(client: grpc.Client, caller: string): Promise<CallResult> {
  const deadline = Date.now() + 20_000;
  let last: CallResult = { ok: false };
  while (Date.now() < deadline) {
    last = await call(client, caller);
    if (last.ok || last.code === grpc.status.PERMISSION_DENIED) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return last;
}

function shutdown(server: grpc.Server): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, 500);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const store = new MemoryStore();
let controlPlane: ControlPlane;
let app: FastifyInstance;
let url: string;
const closers: (() => Promise<void> | void)[] = [];
let serverPort: number;
let served: string[] = [];

async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const answer = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const parsed = (await answer.json()) as unknown;
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(parsed)}`);
  return parsed;
}

/**
 * A proxyless workload of Service mtls/<name>: its gRPC bootstrap from GET
 * /api/v1/bootstrap (fresh token), `crossway agent --once` with that token writing its
 * certificate files, and the bootstrap's file_watcher providers pointed at them.
 */
async function workload(name: string): Promise<{ bootstrap: string; dir: string }> {
  const answer = (await admin('GET', `/api/v1/bootstrap?role=proxyless&service=${NS}/${name}`)) as {
    grpc: Record<string, unknown>;
    token: string;
  };
  const dir = mkdtempSync(join(tmpdir(), `crossway-mtls-${name}-`));
  const run = await crossway(['agent', '--token', answer.token, '--dir', dir, '--once'], { url });
  expect(run.code, run.stderr).toBe(0);
  const paths = agentPaths(dir);
  const bootstrap = {
    ...answer.grpc,
    certificate_providers: {
      'crossway-identity': {
        plugin_name: 'file_watcher',
        config: {
          certificate_file: paths.certificate,
          private_key_file: paths.privateKey,
          refresh_interval: '60s',
        },
      },
      'crossway-roots': {
        plugin_name: 'file_watcher',
        config: { ca_certificate_file: paths.roots, refresh_interval: '60s' },
      },
    },
  };
  return { bootstrap: JSON.stringify(bootstrap), dir };
}

/**
 * a's bootstrap, but with a key and certificate for `spiffeId` from a CA the mesh does
 * not trust (its own roots file keeps the mesh's roots, so only the server can refuse).
 */
async function foreignIdentity(spiffeId: string, bootstrap: string, dir: string): Promise<string> {
  const foreignStore = new MemoryStore();
  try {
    const foreign = await loadOrCreateAuthority({
      store: foreignStore,
      encryptionKey: randomBytes(32),
    });
    const issued = await foreign.issue(spiffeId, 3_600_000);
    const forgedDir = mkdtempSync(join(tmpdir(), 'crossway-mtls-forged-'));
    const paths = agentPaths(forgedDir);
    mkdirSync(dirname(paths.certificate), { recursive: true });
    writeFileSync(paths.certificate, issued.certificateChainPem);
    writeFileSync(paths.privateKey, issued.privateKeyPem, { mode: 0o600 });
    const parsed = JSON.parse(bootstrap) as {
      certificate_providers: Record<string, { config: Record<string, string> }>;
    };
    const identity = parsed.certificate_providers['crossway-identity']!.config;
    identity['certificate_file'] = paths.certificate;
    identity['private_key_file'] = paths.privateKey;
    expect(parsed.certificate_providers['crossway-roots']!.config['ca_certificate_file']).toBe(
      agentPaths(dir).roots,
    );
    return JSON.stringify(parsed);
  } finally {
    await foreignStore.close();
  }
}

function xdsClient(bootstrap: string): grpc.Client {
  const client = new grpc.Client(
    `xds:///s.${NS}:${SERVICE_PORT}`,
    new grpcXds.XdsChannelCredentials(grpc.credentials.createInsecure()),
    { [BOOTSTRAP_OPTION]: bootstrap },
  );
  closers.push(() => client.close());
  return client;
}

const service = (name: string) => ({
  apiVersion: 'crossway.dev/v1alpha1',
  kind: 'Service',
  metadata: { name, namespace: NS },
  spec: { ports: [{ name: 'grpc', port: SERVICE_PORT, protocol: 'grpc' }] },
});

beforeAll(async () => {
  controlPlane = await startControlPlane({
    store,
    xdsPort: 0,
    host: '127.0.0.1',
    logger: false,
    insecure: false,
    debounceMs: 20,
  });
  app = await build({
    store,
    tokens: storeTokenRecords(store),
    adminToken: ADMIN_TOKEN,
    logger: false,
    xdsAddress: `127.0.0.1:${controlPlane.port}`,
    identity: { encryptionKey: randomBytes(32) },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  await controlPlane.whenReady();

  serverPort = await freePort();
  await admin('POST', '/api/v1/apply', [
    {
      apiVersion: 'crossway.dev/v1alpha1',
      kind: 'Mesh',
      metadata: { name: 'default' },
      spec: { mtls: { mode: 'STRICT' } },
    },
    service('s'),
    service('a'),
    service('b'),
    {
      apiVersion: 'crossway.dev/v1alpha1',
      kind: 'Workload',
      metadata: { name: 's-1', namespace: NS },
      spec: {
        service: 's',
        address: '127.0.0.1',
        ports: [{ name: 'grpc', port: serverPort }],
      },
    },
    {
      apiVersion: 'crossway.dev/v1alpha1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'only-a', namespace: NS },
      spec: {
        targetRef: { kind: 'Service', name: 's' },
        action: 'ALLOW',
        rules: [{ from: [{ services: ['a'] }] }],
      },
    },
  ]);
}, 30_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await controlPlane?.close();
  await app?.close();
  await store.close();
});

describe('proxyless mTLS with certificates from crossway agent', { timeout: 60_000 }, () => {
  it('allows a, denies b by identity, and refuses foreign certificates and plaintext', async () => {
    const s = await workload('s');
    const a = await workload('a');
    const b = await workload('b');
    // Each agent wrote its own identity, from its token alone.
    for (const [name, w] of [
      ['s', s],
      ['a', a],
      ['b', b],
    ] as const)
      expect(spiffeIdsOf(readFileSync(agentPaths(w.dir).certificate, 'utf8'))).toEqual([
        `spiffe://cluster.local/ns/${NS}/sa/${name}`,
      ]);

    // The xDS-enabled server of s: its Listener (mTLS STRICT + RBAC) comes from the control plane.
    const server = new grpcXds.XdsServer({ [BOOTSTRAP_OPTION]: s.bootstrap } as grpc.ServerOptions);
    served = [];
    server.addService(echoService, {
      Echo: (
        request: grpc.ServerUnaryCall<{ caller: string }, { caller: string }>,
        callback: grpc.sendUnaryData<{ caller: string }>,
      ) => {
        served.push(request.request.caller);
        callback(null, { caller: request.request.caller });
      },
    });
    closers.push(() => shutdown(server));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the xDS server got no Listener')), 15_000);
      server.bindAsync(
        `127.0.0.1:${serverPort}`,
        new grpcXds.XdsServerCredentials(grpc.ServerCredentials.createInsecure()),
        (error) => {
          clearTimeout(timer);
          if (error) reject(error);
          else resolve();
        },
      );
    });

    const fromA = await settledCall(xdsClient(a.bootstrap), 'a');
    expect(fromA, fromA.details).toEqual({ ok: true });

    const fromB = await settledCall(xdsClient(b.bootstrap), 'b');
    expect(fromB.ok).toBe(false);
    expect(fromB.code, fromB.details).toBe(grpc.status.PERMISSION_DENIED);

    const plain = new grpc.Client(`127.0.0.1:${serverPort}`, grpc.credentials.createInsecure());
    closers.push(() => plain.close());
    const fromPlain = await call(plain, 'plain', 2_000);
    expect(fromPlain.ok).toBe(false);
    expect(fromPlain.code).toBe(grpc.status.UNAVAILABLE);

    // A caller claiming a's identity with a certificate from another CA is refused in the handshake.
    const forged = await foreignIdentity(
      `spiffe://cluster.local/ns/${NS}/sa/a`,
      a.bootstrap,
      a.dir,
    );
    const forgedClient = xdsClient(forged);
    let fromForged = await call(forgedClient, 'forged', 2_000);
    // Until its xDS config arrives a call only waits (DEADLINE_EXCEEDED); then it fails.
    for (let i = 0; i < 5 && fromForged.code === grpc.status.DEADLINE_EXCEEDED; i += 1)
      fromForged = await call(forgedClient, 'forged', 2_000);
    expect(fromForged.ok).toBe(false);
    expect(fromForged.code).toBe(grpc.status.UNAVAILABLE);

    // Only a's calls reached the handler.
    expect(new Set(served)).toEqual(new Set(['a']));
  });
});
