// A write too large for one etcd transaction, all or nothing: plan every operation at
// one revision (validation fails before anything is written), open an apply marker,
// commit chunks that each fit etcd's limits and are pinned to the planned revision
// (and to the marker still being open), roll the committed chunks back if one fails,
// and close the marker in every case.
import { DEFAULT_MARKER_TTL_MS, OpenMarker } from './apply-markers';
import { packChunks, type Chunk } from './chunks';
import { isStoreError, StoreError } from './errors';
import { describeId, type KeyLayout } from './keys';
import type { KvBackend, KvEntry } from './kv';
import type { MetadataSource } from './metadata';
import { rollBack, type CommittedChunk, type CommittedStep } from './rollback';
import { failure, planTransaction, presentResult, txResult, type ResolvedOp } from './tx-plan';
import type { ApplyMarker, TxResult, WriteAllOptions } from './types';

export interface ChunkedWriteContext {
  backend: KvBackend;
  layout: KeyLayout;
  source: MetadataSource;
}

interface Planned {
  /** The revision every operation was planned at. */
  revision: number;
  entries: ReadonlyMap<string, KvEntry>;
  total: number;
}

export async function writeInChunks(
  context: ChunkedWriteContext,
  resolved: readonly ResolvedOp[],
  options: WriteAllOptions,
): Promise<TxResult> {
  const { backend, layout, source } = context;
  const total = resolved.length;
  const { revision, entries } = await backend.read(
    resolved.flatMap((op) => [op.key, op.statusKey]),
  );
  const planned: Planned = { revision, entries, total };
  const plan = planTransaction(resolved, entries, source);
  const steps: CommittedStep[] = [];
  resolved.forEach((op, i) => {
    const own = plan.perOp[i];
    if (own !== undefined && own.writes.length > 0) steps.push({ op, ...own });
  });
  if (steps.length === 0) return txResult(plan.results, revision);

  const marker: ApplyMarker = {
    id: crypto.randomUUID(),
    startedAt: source.now().toISOString(),
    operations: total,
    ...(options.owner === undefined ? {} : { owner: options.owner }),
  };
  const chunks = packChunks(
    steps,
    [{ key: layout.applyMarkerKey(marker.id), exists: true }],
    (step, excess) =>
      failure(step.op, total, 'TooLarge', `too large for one etcd transaction: ${excess}`),
  );
  const open = await OpenMarker.open(
    backend,
    layout,
    marker,
    options.markerTtlMs ?? DEFAULT_MARKER_TTL_MS,
  );
  const committed: CommittedChunk[] = [];
  try {
    let written = 0;
    for (const chunk of chunks) {
      await commitChunk(context, open, chunk, planned, committed);
      written += chunk.steps.length;
      await options.onProgress?.({ written, total: steps.length });
    }
  } catch (error) {
    const note = await rollBack(backend, committed, entries, () => open.renew());
    throw withNote(error, note);
  } finally {
    await open.close();
  }
  const revisions = new Map<ResolvedOp, number>();
  for (const chunk of committed)
    for (const step of chunk.steps) revisions.set(step.op, chunk.revision);
  return {
    revision: committed.at(-1)?.revision ?? revision,
    objects: plan.results.map((r, i) => {
      const op = resolved[i];
      return presentResult(r, (op === undefined ? undefined : revisions.get(op)) ?? revision);
    }),
    written: plan.results.map((r) => r.outcome === 'written'),
  };
}

/** Commits one chunk and records it in `committed`; throws why it could not. */
async function commitChunk(
  context: ChunkedWriteContext,
  marker: OpenMarker,
  chunk: Chunk<CommittedStep>,
  planned: Planned,
  committed: CommittedChunk[],
): Promise<void> {
  if (!(await marker.renew())) throw expired();
  let result: { succeeded: boolean; revision: number };
  try {
    result = await context.backend.commit(chunk.compares, chunk.writes);
  } catch (error) {
    // The request may have been applied before the answer was lost: if so, undo it too.
    const revision = await appliedAt(context.backend, chunk, planned).catch(() => undefined);
    if (revision !== undefined) committed.push({ steps: chunk.steps, revision });
    throw error;
  }
  if (!result.succeeded) throw await whyRejected(context, marker, chunk, planned);
  committed.push({ steps: chunk.steps, revision: result.revision });
}

/** The revision a chunk whose commit failed in transit was applied at, if it was. */
async function appliedAt(
  backend: KvBackend,
  chunk: Chunk<CommittedStep>,
  planned: Planned,
): Promise<number | undefined> {
  const { entries } = await backend.read(chunk.writes.map((w) => w.key));
  const revisions = new Set<number>();
  for (const write of chunk.writes) {
    const entry = entries.get(write.key);
    if (write.type === 'delete') {
      if (entry !== undefined) return undefined;
    } else if (entry === undefined || entry.value !== write.value) {
      return undefined;
    } else {
      revisions.add(entry.modRevision);
    }
  }
  const [revision, ...others] = revisions;
  if (others.length > 0 || (revision !== undefined && revision <= planned.revision))
    return undefined;
  return revision ?? 0;
}

/** Reads again to say why a chunk's compares failed, as a single transaction would. */
async function whyRejected(
  context: ChunkedWriteContext,
  marker: OpenMarker,
  chunk: Chunk<CommittedStep>,
  planned: Planned,
): Promise<StoreError> {
  const ops = chunk.steps.map((s) => s.op);
  const { entries } = await context.backend.read([
    marker.key,
    ...ops.flatMap((op) => [op.key, op.statusKey]),
  ]);
  if (!entries.has(marker.key)) return expired();
  try {
    planTransaction(ops, entries, context.source, planned.total);
  } catch (error) {
    if (isStoreError(error)) return error;
    throw error;
  }
  // Without an expected resourceVersion the operation itself still holds, but what it
  // was planned against has changed: writing it now would not be all or nothing.
  const changed = ops.find(
    (op) => entries.get(op.key)?.modRevision !== planned.entries.get(op.key)?.modRevision,
  );
  if (changed === undefined)
    return new StoreError('Conflict', "a concurrent writer changed this write's objects: retry it");
  return failure(
    changed,
    planned.total,
    'Conflict',
    `${describeId(changed.id)} was changed by another writer during this write: retry it`,
  );
}

function expired(): StoreError {
  return new StoreError(
    'Unavailable',
    "the write's apply marker expired (the writer stalled for longer than its TTL): retry it",
  );
}

function withNote(error: unknown, note: string | undefined): unknown {
  if (note === undefined || !isStoreError(error)) return error;
  return new StoreError(error.code, `${error.message} (${note})`, {
    cause: error,
    details: error.details,
  });
}
