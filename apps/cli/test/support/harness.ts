// A real API server in-process (apps/api build() over a MemoryStore, on a free loopback
// port, with an admin token) and the CLI run in-process against it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { storeTokenRecords } from '@crossway/auth';
import { MemoryStore, type Store } from '@crossway/store';
// The CLI tests drive the real API app in-process (its build()), not a copy.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { build } from '../../../api/src/server';
import { run } from '../../src/cli';

export const ADMIN_TOKEN = 'cli-test-admin-token-0123456789abcdef';

export interface Api {
  url: string;
  store: Store;
  close(): Promise<void>;
}

/** The API over the given store (a fresh MemoryStore by default), with a CA when asked; close() also closes the store. */
export async function startApi(
  store: Store = new MemoryStore(),
  options: { identity?: boolean } = {},
): Promise<Api> {
  const app: FastifyInstance = await build({
    store,
    tokens: storeTokenRecords(store),
    adminToken: ADMIN_TOKEN,
    logger: false,
    ...(options.identity ? { identity: { encryptionKey: randomBytes(32) } } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `crossway <argv>` in-process against the server, with its own env and cwd. */
export async function crossway(
  argv: string[],
  options: {
    url?: string;
    env?: Record<string, string>;
    cwd?: string;
    stdin?: string;
    signal?: AbortSignal;
  } = {},
): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const env: Record<string, string> = {
    HOME: tempDir(),
    ...(options.url === undefined
      ? {}
      : { CROSSWAY_SERVER: options.url, CROSSWAY_TOKEN: ADMIN_TOKEN }),
    ...options.env,
  };
  const code = await run(argv, {
    stdout,
    stderr,
    env,
    tty: false,
    ...(options.stdin === undefined ? {} : { stdin: Readable.from([options.stdin]) }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { code, stdout: out, stderr: err };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'crossway-cli-'));
}

/** Writes files (relative path -> text) under a new temp directory and answers it. */
export function writeTree(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export const service = (name: string, namespace = 'default', port = 8080): string =>
  `apiVersion: crossway.dev/v1alpha1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  ports:
    - name: http
      port: ${port}
      protocol: http
`;
