// The REST API as the live end-to-end tests drive it: the real fastify server from
// apps/api, listening on a free loopback port, called over HTTP with an admin token,
// just as a user or the CLI would.
import type { FastifyInstance } from 'fastify';
import { storeTokenRecords } from '@crossway/auth';
import type { Store } from '@crossway/store';
// The end-to-end tests drive the real API app in-process (its build()), not a copy.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { build } from '../../../api/src/server';

export const API_VERSION = 'crossway.dev/v1alpha1';

/** A policy object as written through the API. */
export interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  spec: Record<string, unknown>;
}

export interface ApiClient {
  readonly url: string;
  /** POST /api/v1/apply with a JSON list; throws unless 200. */
  apply(objects: Manifest[]): Promise<void>;
  /** DELETE one namespaced object; throws unless 200. */
  remove(plural: string, namespace: string, name: string): Promise<void>;
  /** A data-plane token for a proxyless node of Service "ns/name". */
  proxylessToken(service: string): Promise<string>;
  get(path: string): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export const ADMIN_TOKEN = 'e2e-admin-token-for-tests-only-0123456789';

async function request(
  url: string,
  method: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, body: parsed };
}

function expectStatus(what: string, got: { status: number; body: unknown }, want: number): void {
  if (got.status !== want)
    throw new Error(`${what}: HTTP ${got.status}, wanted ${want}: ${JSON.stringify(got.body)}`);
}

export async function startApi(store: Store): Promise<ApiClient> {
  const app: FastifyInstance = await build({
    store,
    tokens: storeTokenRecords(store),
    adminToken: ADMIN_TOKEN,
    logger: false,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    apply: async (objects) => {
      const items = objects.map((o) => ({ apiVersion: API_VERSION, ...o }));
      expectStatus('apply', await request(`${url}/api/v1/apply`, 'POST', items), 200);
    },
    remove: async (plural, namespace, name) => {
      const path = `/api/v1/namespaces/${namespace}/${plural}/${name}`;
      expectStatus(`DELETE ${path}`, await request(`${url}${path}`, 'DELETE'), 200);
    },
    proxylessToken: async (service) => {
      const answer = await request(`${url}/api/v1/tokens`, 'POST', {
        type: 'dataplane',
        role: 'proxyless',
        service,
        ttl: '1h',
      });
      expectStatus('POST /api/v1/tokens', answer, 201);
      return (answer.body as { token: string }).token;
    },
    get: (path) => request(`${url}${path}`, 'GET'),
    close: () => app.close(),
  };
}

/** Manifest builders for the shapes the scenarios use. */
export const manifests = {
  meshWithoutMtls: (): Manifest => ({
    kind: 'Mesh',
    metadata: { name: 'default' },
    spec: { mtls: { mode: 'DISABLED' } },
  }),
  service: (namespace: string, name: string, port: number): Manifest => ({
    kind: 'Service',
    metadata: { name, namespace },
    spec: { ports: [{ name: 'grpc', port, protocol: 'grpc' }] },
  }),
  workload: (namespace: string, name: string, service: string, port: number): Manifest => ({
    kind: 'Workload',
    metadata: { name, namespace },
    spec: { service, address: '127.0.0.1', ports: [{ name: 'grpc', port }] },
  }),
  route: (
    namespace: string,
    name: string,
    parent: { service: string; port: number },
    rules: Record<string, unknown>[],
  ): Manifest => ({
    kind: 'HTTPRoute',
    metadata: { name, namespace },
    spec: { parentRefs: [{ kind: 'Service', name: parent.service, port: parent.port }], rules },
  }),
};
