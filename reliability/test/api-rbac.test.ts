// The API RBAC matrix against a real API replica (child process) on a real etcd:
// every caller (admin, editor, editor limited to team-a, viewer, a data-plane token,
// an expired, a revoked and no token) x every kind of the descriptor table x every
// verb (list across namespaces, list in a namespace, get, create, PUT, PATCH,
// DELETE, watch, apply, apply dryRun) x namespace (team-a, team-b), plus preview,
// explain, proxies, tokens, bootstrap, certificates, trust bundle, CA rotation and
// syncs. Each cell's status is the one docs/api.md gives; a denied write leaves the
// store revision unchanged, an allowed one does what it says; no answer anywhere
// carries a Secret's private key, and Secret reads carry status.keySha256.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdStore } from '@crossway/store';
import { KIND_DESCRIPTORS } from '@crossway/model';
import {
  ANCHOR_GATEWAY,
  ANCHOR_SERVICE,
  SECRET_KEY_MARKER,
  SECRET_KEY_PEM,
  fixtureObject,
} from '../src/rbac-fixtures';
import {
  API_CALLERS,
  CALLERS,
  call,
  formatFailures,
  runCells,
  watchUntilBookmark,
  type Answer,
  type Caller,
  type Cell,
} from '../src/rbac-matrix';
import { reportFigures } from '../src/report';
import { API_VERSION, ReliabilityStack, type ApiReplica } from '../src/stack';

const NAMESPACES = ['team-a', 'team-b'] as const;
const SEED = 'seed';
const KEY_SHA256 = createHash('sha256').update(SECRET_KEY_PEM).digest('hex');

let stack: ReliabilityStack;
let api: ApiReplica;
let store: EtcdStore;
const tokens = new Map<Caller, string | undefined>();
/** Per caller: a token the caller tries to revoke (DELETE /api/v1/tokens/{id}). */
const victims = new Map<Caller, { id: string; token: string }>();

const admin = (method: string, path: string, body?: unknown, contentType?: string) =>
  call(api.url, method, path, {
    token: stack.adminToken,
    ...(body === undefined ? {} : { body }),
    ...(contentType === undefined ? {} : { contentType }),
  });

async function adminOk(method: string, path: string, body?: unknown): Promise<Answer> {
  const answer = await admin(method, path, body);
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${answer.text}`);
  return answer;
}

async function issue(body: Record<string, unknown>): Promise<{ id: string; token: string }> {
  return (await adminOk('POST', '/api/v1/tokens', { ttl: '1h', ...body })).json as {
    id: string;
    token: string;
  };
}

function syncStatus(owner: string) {
  return {
    owner,
    repo: 'https://git.example.com/policies.git',
    branch: 'main',
    path: '.',
    phase: 'Synced',
    lastAttemptAt: new Date().toISOString(),
    consecutiveFailures: 0,
  };
}

beforeAll(async () => {
  stack = await ReliabilityStack.start({ name: 'api-rbac' });
  api = await stack.startApi();
  store = new EtcdStore({ endpoints: stack.etcd.endpoint, prefix: stack.prefix });

  // Objects: anchors every fixture refers to, a seed per kind and namespace to read,
  // and per caller a target to PUT, PATCH and DELETE.
  const objects: Record<string, unknown>[] = [];
  for (const ns of NAMESPACES) {
    objects.push(fixtureObject('Service', ns, ANCHOR_SERVICE));
    objects.push(fixtureObject('Gateway', ns, ANCHOR_GATEWAY));
    // A Gateway serving the seed Secret, so an edge preview names it.
    objects.push({
      apiVersion: API_VERSION,
      kind: 'Gateway',
      metadata: { name: 'tls-gw', namespace: ns },
      spec: {
        listeners: [
          {
            name: 'https',
            port: 8443,
            protocol: 'HTTPS',
            hostname: 'shop.example.com',
            tls: { certificateRefs: [{ name: SEED }] },
          },
        ],
      },
    });
    for (const d of KIND_DESCRIPTORS) {
      if (d.scope === 'Cluster') continue;
      objects.push(fixtureObject(d.kind, ns, SEED));
      for (const caller of CALLERS) objects.push(fixtureObject(d.kind, ns, `t-${caller}`));
    }
  }
  await adminOk('POST', '/api/v1/apply', objects);

  const editorA = await issue({ type: 'api', role: 'editor', namespaces: ['team-a'] });
  tokens.set('admin', (await issue({ type: 'api', role: 'admin' })).token);
  tokens.set('editor', (await issue({ type: 'api', role: 'editor' })).token);
  tokens.set('editor-team-a', editorA.token);
  tokens.set('viewer', (await issue({ type: 'api', role: 'viewer' })).token);
  tokens.set(
    'dataplane',
    (await issue({ type: 'dataplane', role: 'proxyless', service: `team-a/${ANCHOR_SERVICE}` }))
      .token,
  );
  // Expired: the shortest ttl is 1m, so the issued record is moved into the past in
  // the store (what the token would look like a minute later).
  const expired = await issue({ type: 'api', role: 'admin', ttl: '1m' });
  const records = store.records<{ expiresAt: string }>('tokens');
  const record = await records.get(expired.id);
  if (record === undefined) throw new Error('the issued token has no record');
  await records.put(expired.id, {
    ...record,
    expiresAt: new Date(Date.now() - 1000).toISOString(),
  });
  tokens.set('expired', expired.token);
  const revoked = await issue({ type: 'api', role: 'admin' });
  await adminOk('DELETE', `/api/v1/tokens/${revoked.id}`);
  tokens.set('revoked', revoked.token);
  tokens.set('anonymous', undefined);

  for (const caller of CALLERS) {
    victims.set(caller, await issue({ type: 'api', role: 'viewer' }));
    await adminOk('PUT', `/api/v1/syncs/del-${caller}`, syncStatus(`del-${caller}`));
  }
  await adminOk('PUT', '/api/v1/syncs/seed', syncStatus('seed'));
});

afterAll(async () => {
  await store?.close();
  await stack?.close();
});

/** What a Secret read must look like: no private key, its hash in status. */
function secretProblem(object: unknown): string | undefined {
  const o = object as {
    spec?: { data?: Record<string, unknown> };
    status?: { keySha256?: unknown };
  };
  if (o.spec?.data?.['tls.key'] !== undefined) return 'a Secret read carries spec.data["tls.key"]';
  if (o.status?.keySha256 !== KEY_SHA256) return 'a Secret read lacks the right status.keySha256';
  return undefined;
}

async function adminGet(path: string): Promise<Answer> {
  return admin('GET', path);
}

function labelsOf(answer: Answer): Record<string, string> {
  return ((answer.json as { metadata?: { labels?: Record<string, string> } } | undefined)?.metadata
    ?.labels ?? {}) as Record<string, string>;
}

/** The cells of one caller: objects of every kind, then the other endpoints. */
function cellsFor(caller: Caller): Cell[] {
  const token = tokens.get(caller);
  const send = (method: string, path: string, body?: unknown, contentType?: string) => () =>
    call(api.url, method, path, {
      token,
      ...(body === undefined ? {} : { body }),
      ...(contentType === undefined ? {} : { contentType }),
    });
  const cells: Cell[] = [];
  const cell = (c: Omit<Cell, 'caller'>) => cells.push({ caller, ...c });

  for (const d of KIND_DESCRIPTORS) {
    const secret = d.kind === 'Secret';
    const readEffect =
      (check: (answer: Answer) => string | undefined) =>
      async (allowed: boolean, answer: Answer) => (secret && allowed ? check(answer) : undefined);
    const listEffect = readEffect((answer) => {
      const items = (answer.json as { items?: unknown[] }).items ?? [];
      if (items.length === 0) return 'the list is empty';
      return items.map(secretProblem).find((p) => p !== undefined);
    });
    const watchCell = (what: string, query: string, namespace?: string) =>
      cell({
        what,
        right: 'read',
        ...(namespace === undefined ? {} : { namespace }),
        okStatus: 200,
        write: false,
        send: () => watchUntilBookmark(api.url, query, token),
        effect: async (allowed, answer) => {
          if (!allowed) return undefined;
          const events = (answer as Awaited<ReturnType<typeof watchUntilBookmark>>).events;
          const added = events.filter((e) => e.type === 'ADDED');
          if (added.length === 0) return 'the watch sent no ADDED event for the existing objects';
          if (added.some((e) => (e.data as { kind?: string }).kind !== d.kind))
            return 'the watch sent another kind';
          return secret ? added.map((e) => secretProblem(e.data)).find(Boolean) : undefined;
        },
      });

    cell({
      what: `list ${d.plural} (all namespaces)`,
      right: 'read',
      okStatus: 200,
      write: false,
      send: send('GET', `/api/v1/${d.plural}`),
      effect: listEffect,
    });
    watchCell(`watch ${d.kind} (all namespaces)`, `kind=${d.kind}`);

    if (d.scope === 'Cluster') {
      // Mesh: one object, "default"; it is read, replaced, patched and applied, never created or deleted.
      const path = `/api/v1/${d.plural}/default`;
      cell({
        what: `get ${d.kind}`,
        right: 'read',
        okStatus: 200,
        write: false,
        send: send('GET', path),
      });
      cell({
        what: `PUT ${d.kind}`,
        right: 'write-cluster',
        okStatus: 200,
        write: true,
        send: send('PUT', path, fixtureObject(d.kind, '', '', { 'rbac-put': caller })),
        effect: async (allowed) =>
          (labelsOf(await adminGet(path))['rbac-put'] === caller) === allowed
            ? undefined
            : `Mesh label rbac-put ${allowed ? 'not ' : ''}set by ${caller}`,
      });
      cell({
        what: `PATCH ${d.kind}`,
        right: 'write-cluster',
        okStatus: 200,
        write: true,
        send: send(
          'PATCH',
          path,
          { metadata: { labels: { 'rbac-patch': caller } } },
          'application/merge-patch+json',
        ),
        effect: async (allowed) =>
          (labelsOf(await adminGet(path))['rbac-patch'] === caller) === allowed
            ? undefined
            : `Mesh label rbac-patch ${allowed ? 'not ' : ''}set by ${caller}`,
      });
      cell({
        what: `apply ${d.kind} dryRun`,
        right: 'write-cluster',
        okStatus: 200,
        write: true,
        dryRun: true,
        send: send('POST', '/api/v1/apply?dryRun=true', [
          fixtureObject(d.kind, '', '', { 'rbac-dry': caller }),
        ]),
      });
      cell({
        what: `apply ${d.kind}`,
        right: 'write-cluster',
        okStatus: 200,
        write: true,
        send: send('POST', '/api/v1/apply', [
          fixtureObject(d.kind, '', '', { 'rbac-apply': caller }),
        ]),
        effect: async (allowed) =>
          (labelsOf(await adminGet(path))['rbac-apply'] === caller) === allowed
            ? undefined
            : `Mesh label rbac-apply ${allowed ? 'not ' : ''}set by ${caller}`,
      });
      continue;
    }

    for (const ns of NAMESPACES) {
      const collection = `/api/v1/namespaces/${ns}/${d.plural}`;
      const target = `${collection}/t-${caller}`;
      const exists = async (path: string) => (await adminGet(path)).status === 200;
      cell({
        what: `list ${d.plural} in ${ns}`,
        right: 'read',
        namespace: ns,
        okStatus: 200,
        write: false,
        send: send('GET', collection),
        effect: listEffect,
      });
      cell({
        what: `get ${d.kind} ${ns}`,
        right: 'read',
        namespace: ns,
        okStatus: 200,
        write: false,
        send: send('GET', `${collection}/${SEED}`),
        effect: readEffect((a) => secretProblem(a.json)),
      });
      watchCell(`watch ${d.kind} in ${ns}`, `kind=${d.kind}&namespace=${ns}`, ns);
      cell({
        what: `create ${d.kind} ${ns}`,
        right: 'write',
        namespace: ns,
        okStatus: 201,
        write: true,
        send: send('POST', collection, fixtureObject(d.kind, ns, `new-${caller}`)),
        effect: async (allowed, answer) => {
          if ((await exists(`${collection}/new-${caller}`)) !== allowed)
            return `new-${caller} ${allowed ? 'missing after' : 'exists after a denied'} create`;
          return secret && allowed ? secretProblem(answer.json) : undefined;
        },
      });
      cell({
        what: `PUT ${d.kind} ${ns}`,
        right: 'write',
        namespace: ns,
        okStatus: 200,
        write: true,
        send: send('PUT', target, fixtureObject(d.kind, ns, `t-${caller}`, { 'rbac-put': caller })),
        effect: async (allowed) =>
          (labelsOf(await adminGet(target))['rbac-put'] === caller) === allowed
            ? undefined
            : `label rbac-put ${allowed ? 'not ' : ''}set`,
      });
      cell({
        what: `PATCH ${d.kind} ${ns}`,
        right: 'write',
        namespace: ns,
        okStatus: 200,
        write: true,
        send: send(
          'PATCH',
          target,
          { metadata: { labels: { 'rbac-patch': caller } } },
          'application/merge-patch+json',
        ),
        effect: async (allowed) =>
          (labelsOf(await adminGet(target))['rbac-patch'] === caller) === allowed
            ? undefined
            : `label rbac-patch ${allowed ? 'not ' : ''}set`,
      });
      cell({
        what: `apply ${d.kind} ${ns} dryRun`,
        right: 'write',
        namespace: ns,
        okStatus: 200,
        write: true,
        dryRun: true,
        send: send('POST', '/api/v1/apply?dryRun=true', [
          fixtureObject(d.kind, ns, `t-${caller}`, { 'rbac-dry': caller }),
        ]),
        effect: async (allowed, answer) => {
          if (!allowed) return undefined;
          const result = (answer.json as { results?: { action?: string; diff?: unknown }[] })
            .results?.[0];
          if (result?.action !== 'configured' || result.diff === undefined)
            return `dry run answered ${JSON.stringify(result)}, not a configured diff`;
          return undefined;
        },
      });
      cell({
        what: `apply ${d.kind} ${ns}`,
        right: 'write',
        namespace: ns,
        okStatus: 200,
        write: true,
        send: send('POST', '/api/v1/apply', [fixtureObject(d.kind, ns, `ap-${caller}`)]),
        effect: async (allowed) =>
          (await exists(`${collection}/ap-${caller}`)) === allowed
            ? undefined
            : `ap-${caller} ${allowed ? 'missing after' : 'exists after a denied'} apply`,
      });
      cell({
        what: `DELETE ${d.kind} ${ns}`,
        right: 'write',
        namespace: ns,
        okStatus: 200,
        write: true,
        send: send('DELETE', target),
        effect: async (allowed) =>
          (await exists(target)) !== allowed
            ? undefined
            : `t-${caller} ${allowed ? 'still there after' : 'gone after a denied'} delete`,
      });
    }
  }

  // The other endpoints.
  cell({
    what: 'preview sidecar team-a',
    right: 'read',
    okStatus: 200,
    write: false,
    send: send('GET', `/api/v1/preview?role=sidecar&service=team-a/${ANCHOR_SERVICE}`),
  });
  for (const ns of NAMESPACES)
    cell({
      what: `preview edge naming Secret ${ns}/${SEED}`,
      right: 'read',
      namespace: ns,
      okStatus: 200,
      write: false,
      send: send('GET', `/api/v1/preview?role=edge&gateway=${ns}/tls-gw`),
      effect: async (allowed, answer) =>
        !allowed || answer.text.includes(SEED)
          ? undefined
          : 'the edge preview does not name the Secret',
    });
  cell({
    what: 'explain',
    right: 'read',
    okStatus: 200,
    write: false,
    send: send('POST', '/api/v1/explain', {
      source: `team-a/${ANCHOR_SERVICE}`,
      host: `${ANCHOR_SERVICE}.team-a`,
      port: 80,
      path: '/',
    }),
  });
  cell({
    what: 'list proxies',
    right: 'read',
    okStatus: 200,
    write: false,
    send: send('GET', '/api/v1/proxies'),
  });
  cell({
    what: 'get a proxy that is not connected',
    right: 'read',
    okStatus: 404,
    write: false,
    send: send('GET', '/api/v1/proxies/nobody'),
  });
  cell({
    what: 'list syncs',
    right: 'read',
    okStatus: 200,
    write: false,
    send: send('GET', '/api/v1/syncs'),
  });
  cell({
    what: 'get sync',
    right: 'read',
    okStatus: 200,
    write: false,
    send: send('GET', '/api/v1/syncs/seed'),
  });
  cell({
    what: 'PUT sync',
    right: 'write-cluster',
    okStatus: 200,
    write: true,
    send: send('PUT', `/api/v1/syncs/put-${caller}`, syncStatus(`put-${caller}`)),
    effect: async (allowed) =>
      ((await adminGet(`/api/v1/syncs/put-${caller}`)).status === 200) === allowed
        ? undefined
        : `sync put-${caller} ${allowed ? 'missing' : 'written'}`,
  });
  cell({
    what: 'DELETE sync',
    right: 'write-cluster',
    okStatus: 200,
    write: true,
    send: send('DELETE', `/api/v1/syncs/del-${caller}`),
    effect: async (allowed) =>
      ((await adminGet(`/api/v1/syncs/del-${caller}`)).status === 404) === allowed
        ? undefined
        : `sync del-${caller} ${allowed ? 'still there' : 'deleted'}`,
  });
  for (const role of ['admin', 'viewer'] as const)
    cell({
      what: `issue API token role ${role}`,
      right: 'admin',
      okStatus: 201,
      write: true,
      send: send('POST', '/api/v1/tokens', { type: 'api', role, ttl: '1h' }),
    });
  cell({
    what: 'issue API editor token for team-a and team-b',
    right: 'admin',
    okStatus: 201,
    write: true,
    send: send('POST', '/api/v1/tokens', {
      type: 'api',
      role: 'editor',
      namespaces: ['team-a', 'team-b'],
      ttl: '1h',
    }),
  });
  for (const ns of NAMESPACES) {
    cell({
      what: `issue data-plane token ${ns}`,
      right: 'write',
      namespace: ns,
      okStatus: 201,
      write: true,
      send: send('POST', '/api/v1/tokens', {
        type: 'dataplane',
        role: 'proxyless',
        service: `${ns}/${ANCHOR_SERVICE}`,
        ttl: '1h',
      }),
    });
    cell({
      what: `bootstrap proxyless ${ns}`,
      right: 'write',
      namespace: ns,
      okStatus: 200,
      write: true,
      send: send('GET', `/api/v1/bootstrap?role=proxyless&service=${ns}/${ANCHOR_SERVICE}`),
    });
  }
  cell({
    what: 'list tokens',
    right: 'admin',
    okStatus: 200,
    write: false,
    send: send('GET', '/api/v1/tokens'),
  });
  const victim = victims.get(caller);
  cell({
    what: 'revoke a token',
    right: 'admin',
    okStatus: 200,
    write: true,
    send: send('DELETE', `/api/v1/tokens/${victim?.id ?? ''}`),
    effect: async (allowed) => {
      const status = (await call(api.url, 'GET', '/api/v1/proxies', { token: victim?.token }))
        .status;
      return (status === 401) === allowed ? undefined : `the victim token answers ${status}`;
    },
  });
  cell({
    what: 'trust bundle',
    right: 'read-or-dataplane',
    okStatus: 200,
    write: false,
    send: send('GET', '/api/v1/trust-bundle'),
  });
  // An empty CSR: a data-plane token gets past authorization to the 422 naming csr.
  cell({
    what: 'sign a certificate (no CSR)',
    right: 'dataplane-only',
    okStatus: 422,
    write: false,
    send: send('POST', '/api/v1/certificates', {}),
  });
  cell({
    what: 'rotate the CA',
    right: 'admin',
    okStatus: 200,
    write: true,
    send: send('POST', '/api/v1/certificate-authority/rotate', {}),
  });
  return cells;
}

describe('the API RBAC matrix', () => {
  it('answers every role x verb x kind x namespace cell as docs/api.md says', async () => {
    const cells = CALLERS.flatMap(cellsFor);
    const started = Date.now();
    const { results, failures } = await runCells(cells, store, SECRET_KEY_MARKER, (done) => {
      if (done % 500 === 0) stack.log.info({ done, of: cells.length }, 'rbac cells');
    });
    const allowed = results.filter((r) => r.expected < 400 && r.actual === r.expected).length;
    reportFigures('api-rbac', {
      cells: results.length,
      cellsAllowed: allowed,
      cellsDenied: results.length - allowed,
      failingCells: failures.length,
      matrixSeconds: Math.round((Date.now() - started) / 100) / 10,
    });
    expect(
      failures.length,
      `cells that differ from the contract:\n${formatFailures(failures)}`,
    ).toBe(0);
    // Every caller, kind and verb was exercised.
    expect(new Set(results.map((r) => r.cell.caller)).size).toBe(CALLERS.length);
    expect(
      API_CALLERS.every((c) => results.some((r) => r.cell.caller === c && r.actual < 300)),
    ).toBe(true);
  });

  it('refuses requests whose path spells /api differently (no way around authentication)', async () => {
    // The router decodes %-escapes; the authentication hook must see the same route.
    for (const path of [
      '/%61pi/v1/namespaces/team-a/secrets',
      '/api/v1/namespaces/team-a/%73ecrets',
    ]) {
      const answer = await call(api.url, 'GET', path);
      expect([401, 404], `${path} answered ${answer.status}`).toContain(answer.status);
      expect(answer.text).not.toContain(SECRET_KEY_MARKER);
    }
  });
});
