// GET /api/v1/preview: the xDS resources a data plane of a role and target would
// get, computed from the store now, as proto3 JSON with @type. No proxy needed.
// role=edge&gateway=ns/name, role=sidecar&service=ns/name[&workload=name],
// role=proxyless[&service=ns/name] (a pure client has no service).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ResolvedPolicy } from '@crossway/policy';
import { typeUrl } from '@crossway/protos';
import type { Store } from '@crossway/store';
import {
  buildEdgeIr,
  buildProxylessIr,
  buildSidecarIr,
  buildSnapshot,
  ENVOY_TYPES,
  proxylessScope,
  referencedSecrets,
  RESOURCE_KIND_ORDER,
  translateEdge,
  translateProxyless,
  translateSidecar,
  unsupportedForRole,
  type EnvoyResources,
  type UnsupportedFinding,
} from '@crossway/xds';
import { requireAccess } from '../auth/plugin';
import { ApiProblem } from '../problems';
import { resolveStore } from '../resolved-view';

export interface PreviewQuery {
  role?: string;
  gateway?: string;
  service?: string;
  workload?: string;
}

const NAME = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const NAMESPACED = new RegExp(`^${NAME}/${NAME}$`);
const DNS_NAME = new RegExp(`^${NAME}$`);

function invalid(path: string, message: string): ApiProblem {
  return new ApiProblem('Invalid', 'preview is invalid', [{ path, message }]);
}

function target(query: PreviewQuery, key: 'gateway' | 'service', kind: string): string {
  const value = query[key];
  if (value === undefined || !NAMESPACED.test(value))
    throw invalid(key, `must be "namespace/name" of a ${kind}`);
  return value;
}

interface RolePreview {
  resources: EnvoyResources;
  /** SDS secrets served by name (never inlined in a preview). */
  externalSecrets: string[];
  unsupportedForRole: UnsupportedFinding[];
  extra?: Record<string, unknown>;
}

function previewEdge(resolved: ResolvedPolicy, gateway: string): RolePreview {
  const ir = buildEdgeIr(resolved, gateway);
  if (!ir) throw new ApiProblem('NotFound', `Gateway ${gateway} not found`);
  const resources = translateEdge(ir);
  return {
    resources,
    externalSecrets: referencedSecrets(resources),
    unsupportedForRole: unsupportedForRole(resolved, 'edge'),
  };
}

function previewSidecar(resolved: ResolvedPolicy, query: PreviewQuery): RolePreview {
  const service = target(query, 'service', 'Service');
  if (query.workload !== undefined && !DNS_NAME.test(query.workload))
    throw invalid('workload', 'must be the name of a Workload of the Service');
  const ir = buildSidecarIr(resolved, {
    service,
    ...(query.workload !== undefined ? { workload: query.workload } : {}),
  });
  if (!ir) throw new ApiProblem('NotFound', `Service ${service} not found`);
  const resources = translateSidecar(ir);
  const reached = ir.upstreams.map(
    (u) => `${u.backend.service.namespace}/${u.backend.service.name}`,
  );
  return {
    resources,
    externalSecrets: referencedSecrets(resources),
    unsupportedForRole: unsupportedForRole(resolved, 'sidecar', {
      services: [...new Set([service, ...reached])].sort(),
    }),
  };
}

function previewProxyless(resolved: ResolvedPolicy, query: PreviewQuery): RolePreview {
  const service = query.service === undefined ? undefined : target(query, 'service', 'Service');
  const ir = buildProxylessIr(resolved, service === undefined ? {} : { service });
  if (!ir) throw new ApiProblem('NotFound', `Service ${service ?? ''} not found`);
  return {
    resources: translateProxyless(ir),
    externalSecrets: [],
    unsupportedForRole: unsupportedForRole(resolved, 'proxyless', {
      services: proxylessScope(ir),
    }),
    extra: { security: ir.security },
  };
}

/** The preview for a role and target (query as GET /api/v1/preview takes it). */
export async function computePreview(store: Store, query: PreviewQuery) {
  const { role } = query;
  if (role !== 'edge' && role !== 'sidecar' && role !== 'proxyless')
    throw invalid('role', 'must be edge, sidecar or proxyless');
  // Check the target before reading the store, so a bad query costs nothing.
  const gateway = role === 'edge' ? target(query, 'gateway', 'Gateway') : undefined;
  if (role === 'sidecar') target(query, 'service', 'Service');
  const { resolved, revision } = await resolveStore(store);
  const preview =
    role === 'edge'
      ? previewEdge(resolved, gateway ?? '')
      : role === 'sidecar'
        ? previewSidecar(resolved, query)
        : previewProxyless(resolved, query);
  const snapshot = buildSnapshot(preview.resources, {
    externalSecrets: preview.externalSecrets,
  });
  return {
    role,
    ...(gateway !== undefined ? { gateway } : {}),
    ...(query.service !== undefined ? { service: query.service } : {}),
    ...(query.workload !== undefined ? { workload: query.workload } : {}),
    revision: String(revision),
    resources: Object.fromEntries(
      RESOURCE_KIND_ORDER.map((kind) => [
        kind,
        snapshot.kinds[kind].resources.map((r) => ({
          '@type': typeUrl(ENVOY_TYPES[kind]),
          ...r.resource,
        })),
      ]),
    ),
    versions: Object.fromEntries(
      RESOURCE_KIND_ORDER.map((kind) => [kind, snapshot.kinds[kind].version]),
    ) as Record<string, string>,
    problems: snapshot.problems,
    unsupportedForRole: preview.unsupportedForRole,
    ...preview.extra,
  };
}

export function registerPreviewRoute(app: FastifyInstance, store: Store): void {
  app.get(
    '/api/v1/preview',
    { schema: { tags: ['preview'], summary: 'The xDS resources a data plane would get' } },
    async (request: FastifyRequest<{ Querystring: PreviewQuery }>) => {
      requireAccess(request, { verb: 'get', kind: 'preview' });
      return computePreview(store, request.query);
    },
  );
}
