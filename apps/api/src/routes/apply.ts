// POST /api/v1/apply: declarative, all-or-nothing apply of a set of objects. With an
// owner, objects another owner holds are refused (409) unless takeOwnership=true.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formatPath, validateObject, type ValidatedObject, type Violation } from '@crossway/model';
import type { Store } from '@crossway/store';
import { requireAccess } from '../auth/plugin';
import { duplicatesIn, planApply, type OwnerConflict } from '../apply-plan';
import { YamlDocuments } from '../body-parsers';
import { isPlainObject } from '../merge-patch';
import { ApiProblem } from '../problems';
import { storeCall } from '../store-problems';
import { parseOwner } from './query';

interface ApplyQuery {
  dryRun?: string;
  prune?: string;
  owner?: string;
  takeOwnership?: string;
  diff?: string;
}

/** The 409 for objects of the set that another owner holds. */
function ownerConflictProblem(conflicts: readonly OwnerConflict[], owner: string): ApiProblem {
  const errors = conflicts.map((c) => ({
    path: `items[${c.index}]`,
    message: `${c.kind} ${c.namespace === undefined ? '' : `${c.namespace}/`}${c.name} is owned by ${JSON.stringify(c.owner)}; apply with takeOwnership=true to take it over`,
  }));
  const count = conflicts.length;
  return new ApiProblem(
    'Conflict',
    `the set holds ${count} object${count === 1 ? '' : 's'} owned by someone other than ${JSON.stringify(owner)}; nothing was written`,
    errors,
  );
}

/** The objects of an apply body: a JSON array, `{items: [...]}`, one object, or YAML documents (each may be a list). */
function itemsOf(body: unknown): unknown[] {
  const flatten = (value: unknown): unknown[] => {
    if (Array.isArray(value)) return value;
    if (isPlainObject(value) && Array.isArray(value['items']) && value['kind'] === undefined)
      return value['items'];
    return [value];
  };
  if (body instanceof YamlDocuments) return body.documents.flatMap(flatten);
  if (body === undefined || body === null)
    throw new ApiProblem(
      'BadRequest',
      'apply needs a body: a JSON array of objects or multi-document YAML',
    );
  return flatten(body);
}

function flag(value: string | undefined, name: string): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true' || value === '') return true;
  throw new ApiProblem('BadRequest', `${name} must be true or false`, [
    { path: name, message: 'must be true or false' },
  ]);
}

export function registerApplyRoute(app: FastifyInstance, store: Store): void {
  app.post(
    '/api/v1/apply',
    { schema: { tags: ['apply'], summary: 'Apply a set of objects: create, configure, prune' } },
    async (request: FastifyRequest<{ Querystring: ApplyQuery }>) => {
      const dryRun = flag(request.query.dryRun, 'dryRun');
      const prune = flag(request.query.prune, 'prune');
      const takeOwnership = flag(request.query.takeOwnership, 'takeOwnership');
      const owner = request.query.owner === undefined ? undefined : parseOwner(request.query.owner);
      if (prune && owner === undefined)
        throw new ApiProblem(
          'BadRequest',
          "prune=true needs owner=<id>: only that owner's objects are pruned",
          [{ path: 'owner', message: 'is required with prune' }],
        );
      if (takeOwnership && owner === undefined)
        throw new ApiProblem('BadRequest', 'takeOwnership=true needs owner=<id>: the new owner', [
          { path: 'owner', message: 'is required with takeOwnership' },
        ]);

      const items = itemsOf(request.body);
      const objects: ValidatedObject[] = [];
      const violations: Violation[] = [];
      items.forEach((item, index) => {
        const result = validateObject(item);
        if (result.ok) objects.push(result.value);
        else
          violations.push(
            ...result.violations.map((v) => ({
              path: formatPath(['items', index]) + (v.path ? `.${v.path}` : ''),
              message: v.message,
            })),
          );
      });
      for (const d of duplicatesIn(objects))
        violations.push({
          path: `items[${d.index}]`,
          message: `${d.key} appears twice in the set (first at items[${d.first}])`,
        });
      if (violations.length > 0)
        throw new ApiProblem(
          'Invalid',
          `the set is invalid: ${violations.length} violation${violations.length === 1 ? '' : 's'}; nothing was written`,
          violations,
        );

      for (const object of objects) {
        requireAccess(
          request,
          {
            verb: 'apply',
            kind: object.kind,
            ...(object.metadata.namespace === undefined
              ? {}
              : { namespace: object.metadata.namespace }),
          },
          object,
        );
      }
      const stored = await storeCall(() => store.list({}));
      const plan = planApply(objects, stored.items, {
        ...(owner === undefined ? {} : { owner }),
        prune,
        withDiff: dryRun || flag(request.query.diff, 'diff'),
      });
      for (const result of plan.results.filter((r) => r.action === 'pruned')) {
        requireAccess(request, {
          verb: 'delete',
          kind: result.kind,
          ...(result.namespace === undefined ? {} : { namespace: result.namespace }),
        });
      }
      // Refused before anything is written, dry run included, so a plan shows it.
      if (owner !== undefined && plan.conflicts.length > 0 && !takeOwnership) {
        for (const c of plan.conflicts)
          request.audit({
            action: 'apply',
            target: `${c.kind}/${c.namespace ?? ''}/${c.name}`,
            result: 'conflict',
            reason: `owned by ${c.owner}`,
          });
        throw ownerConflictProblem(plan.conflicts, owner);
      }
      if (dryRun || plan.ops.length === 0) {
        return {
          results: plan.results,
          resourceVersion: String(stored.revision),
          ...(dryRun ? { dryRun: true } : {}),
        };
      }
      // One etcd transaction when the set fits; otherwise chunks under an apply marker
      // that readers honour, rolled back if any chunk fails.
      const written = await storeCall(() =>
        store.writeAll(plan.ops, {
          ...(owner === undefined ? {} : { owner }),
          onProgress: ({ written: done, total }) => {
            request.log.info({ apply: { written: done, total } }, 'apply progress');
          },
        }),
      );
      const previousOwner = new Map(
        plan.conflicts.map((c) => [`${c.kind}/${c.namespace ?? ''}/${c.name}`, c.owner]),
      );
      for (const result of plan.results) {
        const target = `${result.kind}/${result.namespace ?? ''}/${result.name}`;
        const from = previousOwner.get(target);
        if (result.action !== 'unchanged')
          request.audit({
            action: 'apply',
            target,
            result: result.action,
            ...(from === undefined ? {} : { reason: `took ownership from ${from}` }),
          });
      }
      return { results: plan.results, resourceVersion: String(written.revision) };
    },
  );
}
