// Turns transaction operations plus the current state of their keys into one
// etcd-style transaction: compares that pin every written key, the writes, and what
// each operation returns. Pure: the stores do the reading and the committing.
import type { CrosswayObject, ObjectStatus } from '@crossway/model';
import { decodeObject, decodeStatus, encodeObject } from './codec';
import { StoreError, type StoreErrorCode } from './errors';
import { describeId } from './keys';
import type { KvCompare, KvEntry, KvWrite } from './kv';
import { buildCreated, buildUpdated, present, type MetadataSource } from './metadata';
import type { ObjectId, TxOp, TxResult } from './types';

export interface ResolvedOp {
  index: number;
  op: TxOp;
  id: ObjectId;
  key: string;
  statusKey: string;
}

export type PlannedResult =
  /** Written by this transaction: its resourceVersion is the commit revision. */
  | { outcome: 'written'; object: CrosswayObject; status?: ObjectStatus }
  | { outcome: 'unchanged'; object: CrosswayObject; modRevision: number; status?: ObjectStatus }
  | { outcome: 'deleted'; object: CrosswayObject; modRevision: number; status?: ObjectStatus };

/** What one operation asks of etcd: nothing when it changes nothing. */
export interface OpWrites {
  compares: KvCompare[];
  writes: KvWrite[];
}

export interface TxPlan extends OpWrites {
  results: PlannedResult[];
  /** Per operation, the part of `compares` and `writes` it contributes. */
  perOp: OpWrites[];
}

/** Parses a resourceVersion a client sent; InvalidArgument if it is no revision. */
export function parseResourceVersion(text: string): number {
  const value = /^[1-9][0-9]{0,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) {
    throw new StoreError('InvalidArgument', `resourceVersion "${text}" is not a store revision`);
  }
  return value;
}

export function failure(
  op: ResolvedOp,
  total: number,
  code: StoreErrorCode,
  message: string,
): StoreError {
  const where = total > 1 ? `operation ${op.index} (${op.op.op} ${describeId(op.id)}): ` : '';
  return new StoreError(code, `${where}${message}`, {
    details: {
      operation: op.index,
      kind: op.id.kind,
      name: op.id.name,
      ...(op.id.namespace === undefined ? {} : { namespace: op.id.namespace }),
    },
  });
}

function expectedOf(op: TxOp): string | undefined {
  return op.op === 'update' || op.op === 'delete' ? op.expectedResourceVersion : undefined;
}

/**
 * Plans `ops` against `entries`. `total` is the size of the whole request, for error
 * messages when `ops` is only part of it.
 */
export function planTransaction(
  ops: readonly ResolvedOp[],
  entries: ReadonlyMap<string, KvEntry>,
  source: MetadataSource,
  total: number = ops.length,
): TxPlan {
  const plan: TxPlan = { compares: [], writes: [], results: [], perOp: [] };
  const add = (compare: KvCompare, ...writes: KvWrite[]): void => {
    plan.compares.push(compare);
    plan.writes.push(...writes);
    plan.perOp.push({ compares: [compare], writes });
  };
  for (const resolved of ops) {
    const { op, id, key, statusKey } = resolved;
    const entry = entries.get(key);
    const statusEntry = entries.get(statusKey);
    const current = entry === undefined ? undefined : decodeObject(entry.value, key);
    const status =
      statusEntry === undefined ? undefined : decodeStatus(statusEntry.value, statusKey);
    const fail = (code: StoreErrorCode, message: string): StoreError =>
      failure(resolved, total, code, message);

    if (entry === undefined || current === undefined) {
      if (op.op === 'update' || op.op === 'delete')
        throw fail('NotFound', `${describeId(id)} not found`);
      const created = buildCreated(op.object, source);
      add({ key, modRevision: 0 }, { type: 'put', key, value: encodeObject(created) });
      plan.results.push({ outcome: 'written', object: created });
      continue;
    }
    if (op.op === 'create') throw fail('AlreadyExists', `${describeId(id)} already exists`);
    const expected = expectedOf(op);
    if (expected !== undefined && parseResourceVersion(expected) !== entry.modRevision) {
      throw fail(
        'Conflict',
        `${describeId(id)} is at resourceVersion ${entry.modRevision}, not ${expected}: read it again and retry`,
      );
    }
    const pinned = { key, modRevision: entry.modRevision };
    if (op.op === 'delete') {
      add(pinned, { type: 'delete', key }, { type: 'delete', key: statusKey });
      plan.results.push(
        withStatus({ outcome: 'deleted', object: current, modRevision: entry.modRevision }, status),
      );
      continue;
    }
    const next = buildUpdated(op.object, current, source);
    if (next === undefined) {
      plan.perOp.push({ compares: [], writes: [] });
      plan.results.push(
        withStatus(
          { outcome: 'unchanged', object: current, modRevision: entry.modRevision },
          status,
        ),
      );
      continue;
    }
    add(pinned, { type: 'put', key, value: encodeObject(next) });
    plan.results.push(withStatus({ outcome: 'written', object: next }, status));
  }
  return plan;
}

function withStatus<R extends PlannedResult>(result: R, status: ObjectStatus | undefined): R {
  return status === undefined ? result : { ...result, status };
}

/** What an operation returns, given the revision its write was committed at. */
/** The TxResult of planned results, every written one at `revision`. */
export function txResult(results: readonly PlannedResult[], revision: number): TxResult {
  return {
    revision,
    objects: results.map((r) => presentResult(r, revision)),
    written: results.map((r) => r.outcome === 'written'),
  };
}

export function presentResult(planned: PlannedResult, revision: number): CrosswayObject {
  const resourceVersion = planned.outcome === 'written' ? revision : planned.modRevision;
  return present(planned.object, resourceVersion, planned.status);
}
