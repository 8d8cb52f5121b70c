// `crossway agent` against the real API with its CA: the files proxyless gRPC reads
// (certificate for the token's identity, key 0600, trust bundle), renewal at half-life
// with a new key each time, trust-bundle refresh after a CA rotation, backoff on
// errors, and a refused token stopping the agent.
import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTokenRecords } from '@crossway/auth';
import { CrosswayClient } from '@crossway/client';
import { rotateAuthority, spiffeIdsOf } from '@crossway/identity';
import { MemoryStore } from '@crossway/store';
// The CLI tests drive the real API app in-process (its build()), not a copy.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { CERTIFICATE_PATHS } from '../../api/src/routes/bootstrap';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { build } from '../../api/src/server';
import { CertificateAgent } from '../src/agent/agent';
import { agentPaths, DEFAULT_AGENT_DIR } from '../src/agent/paths';
import { ADMIN_TOKEN, crossway, tempDir } from './support/harness';

const encryptionKey = randomBytes(32);
const store = new MemoryStore();
/** Added to the API's clock, to step past its 10 s authority cache after a rotation. */
let skewMs = 0;
let app: FastifyInstance;
let url: string;

async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const answer = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const parsed = (await answer.json()) as unknown;
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(parsed)}`);
  return parsed;
}

const serviceObject = (name: string) => ({
  apiVersion: 'crossway.dev/v1alpha1',
  kind: 'Service',
  metadata: { name, namespace: 'shop' },
  spec: { ports: [{ name: 'grpc', port: 50051, protocol: 'grpc' }] },
});

async function proxylessToken(service: string): Promise<string> {
  const answer = (await admin('POST', '/api/v1/tokens', {
    type: 'dataplane',
    role: 'proxyless',
    service,
    ttl: '1h',
  })) as { token: string };
  return answer.token;
}

interface Files {
  certificate: X509Certificate;
  certificatePem: string;
  keyPem: string;
  rootsPem: string;
}

function readFiles(dir: string): Files {
  const paths = agentPaths(dir);
  const certificatePem = readFileSync(paths.certificate, 'utf8');
  return {
    certificate: new X509Certificate(certificatePem),
    certificatePem,
    keyPem: readFileSync(paths.privateKey, 'utf8'),
    rootsPem: readFileSync(paths.roots, 'utf8'),
  };
}

function rootsIn(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (block) => new X509Certificate(block),
  );
}

const quiet = (): void => undefined;
const silentLog = { debug: quiet, info: quiet, warn: quiet, error: quiet };

beforeAll(async () => {
  app = await build({
    store,
    tokens: storeTokenRecords(store),
    adminToken: ADMIN_TOKEN,
    logger: false,
    now: () => new Date(Date.now() + skewMs),
    identity: { encryptionKey },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  await admin('PATCH', '/api/v1/meshes/default', { spec: { ca: { certTTL: '10m' } } });
  await admin('POST', '/api/v1/namespaces/shop/services', serviceObject('a'));
});

afterAll(async () => {
  await app?.close();
  await store.close();
});

describe('crossway agent', () => {
  it('writes the files where the gRPC bootstrap’s file_watcher providers read them', () => {
    const paths = agentPaths(DEFAULT_AGENT_DIR);
    expect({
      certificate: paths.certificate,
      privateKey: paths.privateKey,
      roots: paths.roots,
    }).toEqual(CERTIFICATE_PATHS);
  });

  it('--once writes a certificate for the token’s identity, its key (0600) and the trust bundle', async () => {
    const dir = tempDir();
    const token = await proxylessToken('shop/a');
    const run = await crossway(['agent', '--token', token, '--dir', dir, '--once'], { url });
    expect(run.code, run.stderr).toBe(0);

    const files = readFiles(dir);
    expect(spiffeIdsOf(files.certificatePem)).toEqual(['spiffe://cluster.local/ns/shop/sa/a']);
    expect(files.certificate.checkPrivateKey(createPrivateKey(files.keyPem))).toBe(true);
    expect(statSync(agentPaths(dir).privateKey).mode & 0o777).toBe(0o600);
    const roots = rootsIn(files.rootsPem);
    expect(roots.some((root) => files.certificate.verify(root.publicKey))).toBe(true);
    // No temporary files are left behind.
    expect(readdirSync(join(dir, 'identity')).sort()).toEqual(['cert.pem', 'key.pem']);
    expect(readdirSync(join(dir, 'roots'))).toEqual(['ca.pem']);

    // The log is JSON (no TTY), says what was written, and holds no key and no token.
    const lines = run.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'certificate written',
        component: 'crossway-agent',
        spiffeId: 'spiffe://cluster.local/ns/shop/sa/a',
      }),
    );
    expect(run.stderr).not.toContain('PRIVATE KEY');
    expect(run.stderr).not.toContain(token);
  });

  it('renews at the --renew-fraction of the lifetime with a new key each time, until stopped', async () => {
    const dir = tempDir();
    const token = await proxylessToken('shop/a');
    const stop = new AbortController();
    // 10m certificates: 0.002 of the lifetime is 1.2 s.
    const running = crossway(
      ['agent', '--token', token, '--dir', dir, '--renew-fraction', '0.002'],
      { url, signal: stop.signal },
    );
    try {
      const first = await waitFor(() =>
        existsSync(agentPaths(dir).privateKey) ? readFiles(dir) : undefined,
      );
      const firstSeen = Date.now();
      const second = await waitFor(() => {
        const now = readFiles(dir);
        return now.keyPem !== first.keyPem ? now : undefined;
      });
      const waited = Date.now() - firstSeen;
      expect(waited).toBeGreaterThan(700);
      expect(waited).toBeLessThan(4_000);
      expect(second.certificate.serialNumber).not.toBe(first.certificate.serialNumber);
      expect(second.certificate.checkPrivateKey(createPrivateKey(second.keyPem))).toBe(true);
      expect(spiffeIdsOf(second.certificatePem)).toEqual(['spiffe://cluster.local/ns/shop/sa/a']);
    } finally {
      stop.abort();
    }
    const run = await running;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('PRIVATE KEY');
  });

  it('renews at half-life by default and refreshes the trust bundle every minute (fake clock)', async () => {
    const dir = tempDir();
    const client = new CrosswayClient({ server: url, token: await proxylessToken('shop/a') });
    let clock = Date.now();
    const calls: { at: number; call: string }[] = [];
    const stop = new AbortController();
    const keys: string[] = [];
    const agent = new CertificateAgent({
      client: {
        signCertificate: async (csr) => {
          calls.push({ at: clock, call: 'sign' });
          return client.signCertificate(csr);
        },
        trustBundle: async () => {
          calls.push({ at: clock, call: 'bundle' });
          return client.trustBundle();
        },
      },
      paths: agentPaths(dir),
      renewFraction: 0.5,
      bundleIntervalMs: 60_000,
      retryMs: 1_000,
      maxBackoffMs: 60_000,
      log: silentLog,
      now: () => new Date(clock),
      sleep: async (ms) => {
        keys.push(readFileSync(agentPaths(dir).privateKey, 'utf8'));
        clock += ms;
        if (calls.filter((c) => c.call === 'sign').length >= 2) stop.abort();
      },
    });
    await agent.runUntil(stop.signal);

    const start = calls[0]!.at;
    const timeline = calls.map((c) => `${c.call}@${Math.round((c.at - start) / 1000)}s`);
    // 10m certificate: bundle refreshes each minute, the new certificate at 5m (half-life).
    expect(timeline.slice(0, 5)).toEqual([
      'sign@0s',
      'bundle@60s',
      'bundle@120s',
      'bundle@180s',
      'bundle@240s',
    ]);
    const renewal = calls.filter((c) => c.call === 'sign')[1]!;
    expect(Math.abs(renewal.at - start - 300_000)).toBeLessThan(2_000);
    // The key did not change before the renewal, and did after it.
    expect(new Set(keys.slice(0, -1)).size).toBe(1);
    expect(readFileSync(agentPaths(dir).privateKey, 'utf8')).not.toBe(keys[0]);
  });

  it('writes the new trust bundle after a CA rotation, keeping the old root through the overlap', async () => {
    const dir = tempDir();
    const client = new CrosswayClient({ server: url, token: await proxylessToken('shop/a') });
    const agent = new CertificateAgent({
      client,
      paths: agentPaths(dir),
      renewFraction: 0.5,
      bundleIntervalMs: 60_000,
      retryMs: 1_000,
      maxBackoffMs: 60_000,
      log: silentLog,
    });
    await agent.renew();
    const before = rootsIn(readFiles(dir).rootsPem);
    expect(await agent.refreshTrustBundle()).toBe(false);

    await rotateAuthority({ store, encryptionKey, overlapMs: 3_600_000 });
    skewMs += 11_000; // past the API's authority cache
    expect(await agent.refreshTrustBundle()).toBe(true);
    const after = rootsIn(readFiles(dir).rootsPem);
    expect(after).toHaveLength(before.length + 1);
    expect(after.map((r) => r.fingerprint256)).toContain(before[0]!.fingerprint256);

    // A certificate issued now chains to the new root, which the bundle already holds.
    await agent.renew();
    const files = readFiles(dir);
    expect(after.some((root) => files.certificate.verify(root.publicKey))).toBe(true);
    expect(files.certificate.verify(before[0]!.publicKey)).toBe(false);
  });

  it('backs off while its Service does not exist, then writes the files once it does', async () => {
    const dir = tempDir();
    const client = new CrosswayClient({ server: url, token: await proxylessToken('shop/late') });
    const sleeps: number[] = [];
    const errors: string[] = [];
    const stop = new AbortController();
    let clock = Date.now();
    const agent = new CertificateAgent({
      client,
      paths: agentPaths(dir),
      renewFraction: 0.5,
      bundleIntervalMs: 60_000,
      retryMs: 1_000,
      maxBackoffMs: 60_000,
      log: { ...silentLog, error: (_fields, message) => errors.push(message) },
      now: () => new Date(clock),
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
        if (sleeps.length === 3)
          await admin('POST', '/api/v1/namespaces/shop/services', serviceObject('late'));
        if (existsSync(agentPaths(dir).certificate)) stop.abort();
      },
    });
    await agent.runUntil(stop.signal);
    expect(errors.slice(0, 3)).toEqual(Array(3).fill('certificate renewal failed'));
    // 1 s, 2 s, 4 s (±10% jitter), then the half-life wait after success.
    expect(sleeps[0]).toBeGreaterThanOrEqual(900);
    expect(sleeps[1]).toBeGreaterThanOrEqual(1_800);
    expect(sleeps[2]).toBeGreaterThanOrEqual(3_600);
    expect(sleeps[2]).toBeLessThanOrEqual(4_400);
    expect(spiffeIdsOf(readFiles(dir).certificatePem)).toEqual([
      'spiffe://cluster.local/ns/shop/sa/late',
    ]);
  });

  it('stops with an error when its token is refused (an API token is not a data-plane token)', async () => {
    const dir = tempDir();
    const run = await crossway(['agent', '--token', ADMIN_TOKEN, '--dir', dir], { url });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('needs a data-plane token');
    expect(existsSync(agentPaths(dir).certificate)).toBe(false);
  });

  it('rejects a --renew-fraction outside (0, 1)', async () => {
    const run = await crossway(['agent', '--token', 'x', '--renew-fraction', '1.5', '--once'], {
      url,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--renew-fraction');
  });
});

/** Polls `probe` every 50 ms until it answers something (at most 10 s). */
async function waitFor<T>(probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const value = probe();
      if (value !== undefined) return value;
    } catch {
      // A file not there yet.
    }
    if (Date.now() > deadline) throw new Error('timed out waiting for the agent');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
