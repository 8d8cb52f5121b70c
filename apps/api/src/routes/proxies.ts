// Connected data planes, as the control-plane instances record them in the store's
// leased record area "proxies" (one lease per instance, so a dead instance's proxies
// vanish): GET /api/v1/proxies, GET /api/v1/proxies/{id} and
// GET /api/v1/proxies/{id}/config (what that proxy was sent, recomputed now, with
// whether its acked and sent versions are the current ones). Private keys never appear.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '@crossway/store';
import { requireAccess } from '../auth/plugin';
import { ApiProblem } from '../problems';
import { storeCall } from '../store-problems';
import { computePreview, type PreviewQuery } from './preview';

/** The record area the control plane writes (apps/controlplane/src/registry). */
export const PROXIES_AREA = 'proxies';

const TYPES = ['listeners', 'routes', 'clusters', 'endpoints', 'secrets'] as const;
type TypeName = (typeof TYPES)[number];
type Versions = Record<TypeName, string>;

export interface ProxyView {
  id: string;
  role: string;
  gateway?: string;
  service?: string;
  workload?: string;
  instance: string;
  connectedAt: string;
  stream?: string;
  versions: Versions;
  sent: Versions;
  nack?: { type: string; error: string; at: string; objects: string[] };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function versionsOf(value: unknown): Versions {
  const source =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  return Object.fromEntries(TYPES.map((t) => [t, text(source[t]) ?? ''])) as Versions;
}

/** A stored proxy record in the contract's shape (tolerant: records come from other processes). */
export function proxyView(value: unknown): ProxyView | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const id = text(r['id']);
  const role = text(r['role']);
  if (id === undefined || role === undefined) return undefined;
  const view: ProxyView = {
    id,
    role,
    instance: text(r['instance']) ?? '',
    connectedAt: text(r['connectedAt']) ?? '',
    versions: versionsOf(r['versions']),
    sent: versionsOf(r['sent']),
  };
  for (const key of ['gateway', 'service', 'workload', 'stream'] as const) {
    const v = text(r[key]);
    if (v !== undefined) view[key] = v;
  }
  const nack = r['nack'];
  if (typeof nack === 'object' && nack !== null) {
    const n = nack as Record<string, unknown>;
    view.nack = {
      type: text(n['type']) ?? '',
      error: text(n['error']) ?? '',
      at: text(n['at']) ?? '',
      objects: Array.isArray(n['objects'])
        ? n['objects'].filter((o): o is string => typeof o === 'string')
        : [],
    };
  }
  return view;
}

async function findProxy(store: Store, id: string): Promise<ProxyView> {
  const area = store.leasedRecords(PROXIES_AREA);
  const value = await storeCall(() => area.get(encodeURIComponent(id)));
  const view = proxyView(value);
  if (view === undefined) throw new ApiProblem('NotFound', `proxy ${id} is not connected`);
  return view;
}

export function registerProxyRoutes(app: FastifyInstance, store: Store): void {
  app.get(
    '/api/v1/proxies',
    {
      schema: {
        tags: ['proxies'],
        summary: 'Connected data planes of every control-plane instance',
      },
    },
    async (request: FastifyRequest) => {
      requireAccess(request, { verb: 'list', kind: 'proxy' });
      const records = await storeCall(() => store.leasedRecords(PROXIES_AREA).list());
      const items = records.map((r) => proxyView(r.value)).filter((v) => v !== undefined);
      return { items };
    },
  );

  app.get(
    '/api/v1/proxies/:id',
    { schema: { tags: ['proxies'], summary: 'One connected data plane' } },
    async (request: FastifyRequest<{ Params: { id: string } }>) => {
      requireAccess(request, { verb: 'get', kind: 'proxy' });
      return findProxy(store, request.params.id);
    },
  );

  app.get(
    '/api/v1/proxies/:id/config',
    {
      schema: {
        tags: ['proxies'],
        summary: 'The xDS resources a connected data plane was sent (recomputed now)',
      },
    },
    async (request: FastifyRequest<{ Params: { id: string } }>) => {
      requireAccess(request, { verb: 'get', kind: 'proxy' });
      const proxy = await findProxy(store, request.params.id);
      const query: PreviewQuery = { role: proxy.role };
      if (proxy.gateway !== undefined) query.gateway = proxy.gateway;
      if (proxy.service !== undefined) query.service = proxy.service;
      if (proxy.role === 'sidecar' && proxy.workload !== undefined) query.workload = proxy.workload;
      const preview = await computePreview(store, query);
      const current = preview.versions;
      // Secrets are not recomputed here: the control plane adds the identity
      // certificates (issued per replica) and key material, so for them only whether
      // the proxy ACKed what it was sent counts.
      const upToDate = Object.fromEntries(
        TYPES.map((t) => [
          t,
          t === 'secrets'
            ? { sent: true, acked: proxy.versions[t] === proxy.sent[t] }
            : {
                sent: proxy.sent[t] === (current[t] ?? ''),
                acked: proxy.versions[t] === (current[t] ?? ''),
              },
        ]),
      );
      return {
        proxy,
        revision: preview.revision,
        versions: current,
        upToDate,
        // Every type the proxy was pushed at all is acked at the current version.
        inSync: TYPES.every((t) => proxy.sent[t] === '' || (upToDate[t]?.acked ?? false)),
        resources: preview.resources,
        problems: preview.problems,
      };
    },
  );
}
