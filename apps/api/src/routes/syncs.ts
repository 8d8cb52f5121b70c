// Sync status records: GET /api/v1/syncs, GET|PUT|DELETE /api/v1/syncs/{owner}.
// `crossway sync` writes one per owner id (store record area "syncs"); any role reads
// them; writing needs the right to apply cluster-wide (admin, unrestricted editor).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { violationsFromZod, type Violation } from '@crossway/model';
import type { Store } from '@crossway/store';
import { requireAccess } from '../auth/plugin';
import { singleObject } from '../object-input';
import { ApiProblem } from '../problems';
import { storeCall } from '../store-problems';
import {
  parseStoredSyncStatus,
  SYNCS_AREA,
  syncStatusSchema,
  type SyncStatus,
} from '../sync-status';
import { parseOwner } from './query';

const KIND = 'SyncStatus';

type OwnerRequest = FastifyRequest<{ Params: { owner: string } }>;

/** The body of a PUT: a valid status whose owner is the one in the URL; 422 with field paths otherwise. */
function statusFromBody(body: unknown, owner: string): SyncStatus {
  const input = singleObject(body);
  const parsed = syncStatusSchema.safeParse(input, { reportInput: true });
  const violations: Violation[] = parsed.success ? [] : violationsFromZod(parsed.error);
  if (
    typeof input['owner'] === 'string' &&
    input['owner'] !== owner &&
    !violations.some((v) => v.path === 'owner')
  )
    violations.push({ path: 'owner', message: `must be "${owner}" (the owner in the URL)` });
  if (!parsed.success || violations.length > 0)
    throw new ApiProblem(
      'Invalid',
      `sync status is invalid: ${violations.length} violation${violations.length === 1 ? '' : 's'}`,
      violations,
    );
  return parsed.data;
}

export function registerSyncRoutes(app: FastifyInstance, store: Store): void {
  const area = store.records(SYNCS_AREA, parseStoredSyncStatus);

  app.get(
    '/api/v1/syncs',
    { schema: { tags: ['syncs'], summary: 'Status of every git sync, by owner id' } },
    async (request: FastifyRequest) => {
      requireAccess(request, { verb: 'list', kind: KIND });
      const records = await storeCall(() => area.list());
      const items = records
        .map((r) => r.value)
        .sort((a, b) => (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0));
      return { items };
    },
  );

  app.get(
    '/api/v1/syncs/:owner',
    { schema: { tags: ['syncs'], summary: 'Status of the git sync of one owner id' } },
    async (request: OwnerRequest) => {
      const owner = parseOwner(request.params.owner);
      requireAccess(request, { verb: 'get', kind: KIND });
      const status = await storeCall(() => area.get(owner));
      if (status === undefined) throw new ApiProblem('NotFound', `no sync status for ${owner}`);
      return status;
    },
  );

  app.put(
    '/api/v1/syncs/:owner',
    { schema: { tags: ['syncs'], summary: 'Record the status of the git sync of an owner id' } },
    async (request: OwnerRequest) => {
      const owner = parseOwner(request.params.owner);
      requireAccess(request, { verb: 'apply', kind: KIND });
      const status = statusFromBody(request.body, owner);
      const existed = (await storeCall(() => area.get(owner))) !== undefined;
      await storeCall(() => area.put(owner, status));
      request.audit({
        action: 'put-sync',
        target: `${KIND}/${owner}`,
        result: existed ? 'updated' : 'created',
      });
      return status;
    },
  );

  app.delete(
    '/api/v1/syncs/:owner',
    { schema: { tags: ['syncs'], summary: 'Remove the sync status of an owner id' } },
    async (request: OwnerRequest) => {
      const owner = parseOwner(request.params.owner);
      requireAccess(request, { verb: 'apply', kind: KIND });
      const status = await storeCall(() => area.get(owner));
      if (status === undefined || !(await storeCall(() => area.delete(owner))))
        throw new ApiProblem('NotFound', `no sync status for ${owner}`);
      request.audit({ action: 'delete-sync', target: `${KIND}/${owner}`, result: 'deleted' });
      return status;
    },
  );
}
