// Undoing the chunks a chunked write committed before one failed: every key goes back
// to the value it had when the write was planned (the same stored JSON, so uid,
// creationTimestamp and generation too), or away if it had none. Each undo is
// conditional on the key still holding what the write put there; an object another
// writer has changed since is left as that writer made it.
import { packChunks, type Step } from './chunks';
import { StoreError } from './errors';
import type { KvBackend, KvCompare, KvEntry, KvWrite } from './kv';
import { fitsLimits } from './limits';
import type { ResolvedOp } from './tx-plan';

export interface CommittedStep extends Step {
  op: ResolvedOp;
}

export interface CommittedChunk {
  steps: CommittedStep[];
  /** The commit revision (unused, and 0, when the chunk only deleted). */
  revision: number;
}

/** The writes that undo one committed step, and the compares that guard them. */
function undoOf(step: CommittedStep, revision: number, before: ReadonlyMap<string, KvEntry>): Step {
  const compares: KvCompare[] = [];
  const writes: KvWrite[] = [];
  for (const write of step.writes) {
    const previous = before.get(write.key);
    if (write.type === 'put') compares.push({ key: write.key, modRevision: revision });
    else if (previous === undefined) continue;
    else compares.push({ key: write.key, modRevision: 0 });
    writes.push(
      previous === undefined
        ? { type: 'delete', key: write.key }
        : { type: 'put', key: write.key, value: previous.value },
    );
  }
  const { key, statusKey } = step.op;
  // A status set on an object this write created goes with it.
  if (!before.has(key) && !before.has(statusKey)) writes.push({ type: 'delete', key: statusKey });
  return { compares, writes };
}

/** One step per key, for an undo too large for one transaction (a big object and status). */
function split(step: Step): Step[] {
  if (fitsLimits(step.compares, step.writes)) return [step];
  return step.writes.map((write) => ({
    compares: step.compares.filter((c) => c.key === write.key),
    writes: [write],
  }));
}

/**
 * Rolls back `committed` (in reverse order). Returns undefined when every key is
 * restored, else a note on what was not, for the error the caller throws.
 */
export async function rollBack(
  backend: KvBackend,
  committed: readonly CommittedChunk[],
  before: ReadonlyMap<string, KvEntry>,
  keepAlive: () => Promise<unknown>,
): Promise<string | undefined> {
  const undo = [...committed]
    .reverse()
    .flatMap((chunk) =>
      [...chunk.steps].reverse().flatMap((step) => split(undoOf(step, chunk.revision, before))),
    );
  const chunks = packChunks(undo, [], (_, excess) => new StoreError('Internal', excess));
  let changedSince = 0;
  let failed = 0;
  let cause = '';
  for (const chunk of chunks) {
    try {
      await keepAlive().catch(() => undefined);
      if ((await backend.commit(chunk.compares, chunk.writes)).succeeded) continue;
      // Someone changed a key since: undo the others one by one.
      for (const step of chunk.steps) {
        if (!(await backend.commit(step.compares, step.writes)).succeeded) changedSince++;
      }
    } catch (error) {
      failed += chunk.steps.length;
      cause = error instanceof Error ? error.message : String(error);
    }
  }
  if (changedSince === 0 && failed === 0) return undefined;
  const notes: string[] = [];
  if (changedSince > 0)
    notes.push(`${changedSince} changed by other writers since were left as they made them`);
  if (failed > 0) notes.push(`${failed} could not be restored (${cause})`);
  return `rollback incomplete: ${notes.join('; ')}`;
}
