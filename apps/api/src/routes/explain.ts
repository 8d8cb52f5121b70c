// POST /api/v1/explain: why a request goes where it goes. Runs the request
// through the config the data plane would get (see @crossway/xds explain) and
// answers the matched rule, the rules it beat, policies, verdict and backends.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { namespacedName, violationsFromZod } from '@crossway/model';
import type { Store } from '@crossway/store';
import { explainRequest } from '@crossway/xds';
import { requireAccess } from '../auth/plugin';
import { singleObject } from '../object-input';
import { ApiProblem } from '../problems';
import { resolveStore } from '../resolved-view';

const headers = z.record(z.string().min(1).max(256), z.string().max(8192));
const common = {
  host: z
    .string()
    .min(1)
    .max(253 + 6),
  port: z.number().int().min(1).max(65535).optional(),
  path: z.string().startsWith('/').max(8192),
  method: z
    .string()
    .regex(/^[A-Z]{1,16}$/, 'must be an HTTP method in upper case')
    .optional(),
  headers: headers.optional(),
};

export const edgeExplainSchema = z.strictObject({
  gateway: namespacedName,
  tls: z.boolean().optional(),
  ...common,
});
export const meshExplainSchema = z.strictObject({
  source: namespacedName,
  role: z.enum(['sidecar', 'proxyless']).optional(),
  ...common,
});

function parseExplainRequest(body: unknown) {
  const has = (key: string) => typeof body === 'object' && body !== null && key in body;
  if (!has('gateway') && !has('source'))
    throw new ApiProblem('Invalid', 'explain request is invalid', [
      { path: 'gateway', message: 'give "gateway" (an edge request) or "source" (a mesh caller)' },
    ]);
  const parsed = (has('gateway') ? edgeExplainSchema : meshExplainSchema).safeParse(body, {
    reportInput: true,
  });
  if (!parsed.success)
    throw new ApiProblem('Invalid', 'explain request is invalid', violationsFromZod(parsed.error));
  return parsed.data;
}

export function registerExplainRoute(app: FastifyInstance, store: Store): void {
  app.post(
    '/api/v1/explain',
    { schema: { tags: ['preview'], summary: 'Explain how a request is routed and authorized' } },
    async (request: FastifyRequest) => {
      requireAccess(request, { verb: 'get', kind: 'explain' });
      const input = parseExplainRequest(singleObject(request.body));
      const { resolved, revision } = await resolveStore(store);
      const outcome = explainRequest(resolved, input);
      if (!outcome.ok) {
        if ('notFound' in outcome) throw new ApiProblem('NotFound', outcome.notFound);
        throw new ApiProblem('Invalid', 'explain request is invalid', outcome.invalid);
      }
      return { ...outcome.result, revision: String(revision) };
    },
  );
}
