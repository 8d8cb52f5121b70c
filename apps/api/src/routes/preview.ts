// GET /api/v1/preview: the xDS resources a data plane of a role and target would
// get, computed from the store now, as proto3 JSON with @type. No proxy needed.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { typeUrl } from '@crossway/protos';
import type { Store } from '@crossway/store';
import {
  buildEdgeIr,
  buildSnapshot,
  ENVOY_TYPES,
  referencedSecrets,
  RESOURCE_KIND_ORDER,
  translateEdge,
} from '@crossway/xds';
import { requireAccess } from '../auth/plugin';
import { ApiProblem } from '../problems';
import { resolveStore } from '../resolved-view';

interface PreviewQuery {
  role?: string;
  gateway?: string;
  service?: string;
}

const NAMESPACED = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function registerPreviewRoute(app: FastifyInstance, store: Store): void {
  app.get(
    '/api/v1/preview',
    { schema: { tags: ['preview'], summary: 'The xDS resources a data plane would get' } },
    async (request: FastifyRequest<{ Querystring: PreviewQuery }>) => {
      requireAccess(request, { verb: 'get', kind: 'preview' });
      const { role, gateway } = request.query;
      if (role !== 'edge') {
        throw new ApiProblem('Invalid', 'preview is invalid', [
          {
            path: 'role',
            message:
              role === 'sidecar' || role === 'proxyless'
                ? `role ${role} is not translated yet; only edge is`
                : 'must be edge, sidecar or proxyless',
          },
        ]);
      }
      if (gateway === undefined || !NAMESPACED.test(gateway)) {
        throw new ApiProblem('Invalid', 'preview is invalid', [
          { path: 'gateway', message: 'must be "namespace/name" of a Gateway' },
        ]);
      }
      const { resolved, revision } = await resolveStore(store);
      const ir = buildEdgeIr(resolved, gateway);
      if (!ir) throw new ApiProblem('NotFound', `Gateway ${gateway} not found`);
      const resources = translateEdge(ir);
      // Secrets are served over SDS (not part of this preview); name them as external.
      const snapshot = buildSnapshot(resources, { externalSecrets: referencedSecrets(resources) });
      return {
        role,
        gateway,
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
        ),
        problems: snapshot.problems,
      };
    },
  );
}
