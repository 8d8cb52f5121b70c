// Builds an API server on a fresh store for tests, with tokens for every role.
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino, { type Logger } from 'pino';
import { MemoryStore, type Store } from '@crossway/store';
import { newToken, sha256Hex, type TokenRecord } from '../src/auth/tokens';
import { build } from '../src/server';
import { storeTokenRecords } from '../src/token-records';

export const ADMIN = 'test-admin-token-0123456789';

/** A pino logger at info whose JSON lines land, parsed, in `lines` (audit and leak checks). */
export function capturedLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

export interface Harness {
  app: FastifyInstance;
  store: Store;
  tokens: { admin: string; editor: string; shopEditor: string; viewer: string };
  request(options: InjectOptions & { token?: string | null }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

async function issue(
  store: Store,
  record: Omit<TokenRecord, 'id' | 'secretSha256' | 'createdAt' | 'createdBy' | 'expiresAt'>,
): Promise<string> {
  const t = newToken();
  await storeTokenRecords(store).put({
    ...record,
    id: t.id,
    secretSha256: sha256Hex(t.secret),
    createdAt: new Date().toISOString(),
    createdBy: 'test',
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  return t.token;
}

export async function startHarness(
  options: { store?: Store; bookmarkIntervalMs?: number; consoleDir?: string } = {},
): Promise<Harness> {
  const store = options.store ?? new MemoryStore();
  const app = await build({
    store,
    tokens: storeTokenRecords(store),
    adminToken: ADMIN,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    ...(options.consoleDir === undefined ? {} : { consoleDir: options.consoleDir }),
  });
  const tokens = {
    admin: ADMIN,
    editor: await issue(store, { type: 'api', role: 'editor' }),
    shopEditor: await issue(store, { type: 'api', role: 'editor', namespaces: ['shop'] }),
    viewer: await issue(store, { type: 'api', role: 'viewer' }),
  };
  return {
    app,
    store,
    tokens,
    request: ({ token = ADMIN, headers, ...rest }) =>
      app.inject({
        ...rest,
        headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers },
      }),
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

export const service = (name: string, namespace = 'shop', port = 80) => ({
  apiVersion: 'crossway.dev/v1alpha1',
  kind: 'Service',
  metadata: { name, namespace, labels: { team: 'web' } },
  spec: { ports: [{ name: 'http', port, protocol: 'http' }] },
});
