// Plans an apply: which objects of a set are created, configured or unchanged,
// which of the owner's objects are pruned, which objects another owner holds, and
// the store operations that do it. Pure: the caller supplies what the store holds.
import {
  isKindName,
  OWNER_ANNOTATION,
  objectKey,
  SOURCE_COMMIT_ANNOTATION,
  type CrosswayObject,
  type ValidatedObject,
} from '@crossway/model';
import type { TxOp } from '@crossway/store';
import { diffValues, type FieldChange } from './diff';
import { keepSecretKey, redactSecret } from './secrets';

export type ApplyAction = 'created' | 'configured' | 'unchanged' | 'pruned';

export interface ApplyResult {
  kind: string;
  namespace?: string;
  name: string;
  action: ApplyAction;
  diff?: FieldChange[];
}

/** An object of the set that is stored with another owner's annotation. */
export interface OwnerConflict {
  /** Index of the object in the applied set. */
  index: number;
  kind: string;
  namespace?: string;
  name: string;
  /** The owner the store holds. */
  owner: string;
}

export interface ApplyPlan {
  results: ApplyResult[];
  ops: TxOp[];
  /**
   * With an owner: objects of the set stored with another non-empty owner. The caller
   * refuses the set (409) unless it was asked to take ownership.
   */
  conflicts: OwnerConflict[];
}

export function storeKeyOf(object: {
  kind: string;
  metadata: { namespace?: string; name: string };
}): string {
  return `${object.kind}/${objectKey(object)}`;
}

/**
 * What apply compares: labels, annotations and spec; Secret keys only by hash. The
 * source-commit stamp is left out when deciding whether an object changed (a new
 * commit alone is no change), and kept in the diffs of objects that did change.
 */
function comparable(object: CrosswayObject, withCommit: boolean): unknown {
  const redacted = redactSecret(object);
  const { [SOURCE_COMMIT_ANNOTATION]: _commit, ...rest } = object.metadata.annotations ?? {};
  return {
    metadata: {
      labels: object.metadata.labels ?? {},
      annotations: withCommit ? (object.metadata.annotations ?? {}) : rest,
    },
    spec: redacted.spec,
    ...(redacted.status?.keySha256 === undefined ? {} : { keySha256: redacted.status.keySha256 }),
  };
}

function withOwner<T extends CrosswayObject>(object: T, owner: string | undefined): T {
  if (owner === undefined) return object;
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: { ...object.metadata.annotations, [OWNER_ANNOTATION]: owner },
    },
  };
}

function resultOf(object: CrosswayObject, action: ApplyAction, diff?: FieldChange[]): ApplyResult {
  return {
    kind: object.kind,
    ...(object.metadata.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
    name: object.metadata.name,
    action,
    ...(diff === undefined ? {} : { diff }),
  };
}

export interface PlanOptions {
  owner?: string;
  prune: boolean;
  /** Include field-level diffs in the results. */
  withDiff: boolean;
}

export function planApply(
  incoming: readonly ValidatedObject[],
  stored: readonly CrosswayObject[],
  options: PlanOptions,
): ApplyPlan {
  const storedByKey = new Map(stored.map((o) => [storeKeyOf(o), o]));
  const results: ApplyResult[] = [];
  const ops: TxOp[] = [];
  const conflicts: OwnerConflict[] = [];
  const applied = new Set<string>();

  incoming.forEach((raw, index) => {
    const key = storeKeyOf(raw);
    applied.add(key);
    const current = storedByKey.get(key);
    const object = keepSecretKey(withOwner(raw, options.owner), current);
    if (!current) {
      ops.push({ op: 'create', object });
      results.push(
        resultOf(
          object,
          'created',
          options.withDiff ? diffValues(undefined, comparable(object, true)) : undefined,
        ),
      );
      return;
    }
    const storedOwner = current.metadata.annotations?.[OWNER_ANNOTATION];
    if (
      options.owner !== undefined &&
      storedOwner !== undefined &&
      storedOwner !== '' &&
      storedOwner !== options.owner
    ) {
      const { kind, namespace, name } = resultOf(object, 'configured');
      conflicts.push({
        index,
        kind,
        ...(namespace === undefined ? {} : { namespace }),
        name,
        owner: storedOwner,
      });
    }
    if (diffValues(comparable(current, false), comparable(object, false)).length === 0) {
      results.push(resultOf(object, 'unchanged'));
      return;
    }
    ops.push({
      op: 'update',
      object,
      expectedResourceVersion: current.metadata.resourceVersion ?? '',
    });
    results.push(
      resultOf(
        object,
        'configured',
        options.withDiff
          ? diffValues(comparable(current, true), comparable(object, true))
          : undefined,
      ),
    );
  });

  if (options.prune && options.owner !== undefined) {
    for (const object of stored) {
      if (
        object.metadata.annotations?.[OWNER_ANNOTATION] !== options.owner ||
        applied.has(storeKeyOf(object))
      )
        continue;
      if (!isKindName(object.kind)) continue;
      const id = {
        kind: object.kind,
        name: object.metadata.name,
        ...(object.metadata.namespace === undefined
          ? {}
          : { namespace: object.metadata.namespace }),
      };
      ops.push({
        op: 'delete',
        id,
        expectedResourceVersion: object.metadata.resourceVersion ?? '',
      });
      results.push(resultOf(object, 'pruned'));
    }
  }
  return { results, ops, conflicts };
}

/** Objects named twice in one set: each later copy, with the index of the first. */
export function duplicatesIn(
  objects: readonly ValidatedObject[],
): { index: number; first: number; key: string }[] {
  const seen = new Map<string, number>();
  const duplicates: { index: number; first: number; key: string }[] = [];
  objects.forEach((o, index) => {
    const key = storeKeyOf(o);
    const first = seen.get(key);
    if (first !== undefined) duplicates.push({ index, first, key });
    else seen.set(key, index);
  });
  return duplicates;
}
