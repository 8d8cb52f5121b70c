// A real Crossway for the console's tests: the API (apps/api build()) and the control
// plane (startControlPlane) in this process on one memory store loaded with the demo
// policy set (examples/shop.yaml), listening on loopback ports. Tokens for each role
// are issued through the public API. Data planes are real ADS streams (test/support/
// data-planes.ts): one that ACKs everything and one that NACKs its clusters.
/* eslint-disable @nx/enforce-module-boundaries -- the console's tests run the real API
   and control plane (apps) in-process; the console itself talks to the API over HTTP only */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { CrosswayClient } from '@crossway/client';
import { startControlPlane, type ControlPlane } from '@crossway/controlplane';
import { MemoryStore } from '@crossway/store';
import { build } from '../../../api/src/server';
import { loadDemo } from '../../../api/src/demo';
import { storeTokenRecords } from '../../../api/src/token-records';
/* eslint-enable @nx/enforce-module-boundaries */

export const ADMIN_TOKEN = 'console-test-admin-token-0123456789';

export interface ConsoleStack {
  /** http://127.0.0.1:PORT of the API (the console is under /ui/). */
  url: string;
  store: MemoryStore;
  app: FastifyInstance;
  /** Present when started with controlPlane: true. */
  controlPlane?: ControlPlane;
  xdsPort?: number;
  tokens: { admin: string; editor: string; viewer: string; shopEditor: string };
  /** A client of the public API with `token` (admin by default), as the console uses it. */
  client(token?: string): CrosswayClient;
  close(): Promise<void>;
}

export interface ConsoleStackOptions {
  /** Start the control plane too (needed for data planes). */
  controlPlane?: boolean;
  /** Serve the console from this directory (default: dist/apps/console). */
  consoleDir?: string;
  /** Skip the demo policy set (an empty store). */
  empty?: boolean;
}

// Paths from strings: under happy-dom the global URL is the DOM's, which node:url refuses.
const DEMO = join(dirname(fileURLToPath(import.meta.url)), '../../../../examples/shop.yaml');

export async function startConsoleStack(options: ConsoleStackOptions = {}): Promise<ConsoleStack> {
  const store = new MemoryStore();
  if (!options.empty) await loadDemo(store, await readFile(DEMO, 'utf8'));
  const controlPlane = options.controlPlane
    ? await startControlPlane({
        store,
        xdsPort: 0,
        host: '127.0.0.1',
        logger: false,
        debounceMs: 20,
        statusIntervalMs: 200,
      })
    : undefined;
  if (controlPlane) await controlPlane.whenReady();
  const app = await build({
    store,
    tokens: storeTokenRecords(store),
    adminToken: ADMIN_TOKEN,
    logger: false,
    ...(options.consoleDir === undefined ? {} : { consoleDir: options.consoleDir }),
    ...(controlPlane ? { synced: () => controlPlane.ready() } : {}),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  // Under happy-dom (component tests) the page moves to the API's origin, as a browser
  // that loaded the console from this API: the console and these clients call their origin.
  const dom = (globalThis as { happyDOM?: { setURL(url: string): void } }).happyDOM;
  dom?.setURL(`${url}/ui/`);
  const client = (token = ADMIN_TOKEN) => new CrosswayClient({ server: url, token });
  const admin = client();
  const issue = async (role: string, namespaces?: string[]) =>
    (
      await admin.createToken({
        type: 'api',
        role,
        ttl: '1h',
        ...(namespaces ? { namespaces } : {}),
      })
    ).token;
  const tokens = {
    admin: ADMIN_TOKEN,
    editor: await issue('editor'),
    viewer: await issue('viewer'),
    shopEditor: await issue('editor', ['shop']),
  };
  return {
    url,
    store,
    app,
    ...(controlPlane ? { controlPlane, xdsPort: controlPlane.port } : {}),
    tokens,
    client,
    async close() {
      await app.close();
      await controlPlane?.close();
      await store.close();
    },
  };
}
