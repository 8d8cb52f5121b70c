// Group commit for single-operation transactions. Writes that arrive while another
// batch is being written (or within the same turn of the event loop) go to the
// backend together: one read of all their keys, one commit of all their writes. Each
// operation is planned on its own, so NotFound, AlreadyExists or Conflict fail only
// that operation. If the combined commit loses a compare (someone wrote one of the
// keys meanwhile), every operation of the batch is committed again on its own, with
// the usual retry loop, so a conflict on one key never fails a write to another.
// Decisions:
// - Batched operations share one commit revision, as the operations of one
//   transaction() do; each caller gets its own objects and that revision.
// - A batch holds at most one operation per key: a second write to a key waits for the
//   next batch, so compare-and-swap on one key stays serial and exactly one wins.
// - A batch of one takes the ordinary path; writes that would exceed etcd's limits
//   together are written one operation at a time.
// - Backend failures (Unavailable) fail every operation of the batch alike.
import type { KvBackend } from './kv';
import { fitsLimits } from './limits';
import type { MetadataSource } from './metadata';
import { planTransaction, txResult, type ResolvedOp, type TxPlan } from './tx-plan';
import type { TxResult } from './types';

/** Operations per batch: 1 compare and up to 2 writes each stays within 128 etcd ops. */
const MAX_BATCH = 40;
/** Batches written at once; later arrivals queue and form the next batch. */
const MAX_IN_FLIGHT = 2;

interface Pending {
  op: ResolvedOp;
  resolve: (result: TxResult) => void;
  reject: (error: unknown) => void;
}

export type CommitAlone = (op: ResolvedOp) => Promise<TxResult>;

export class GroupCommit {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly backend: KvBackend,
    private readonly source: MetadataSource,
    private readonly commitAlone: CommitAlone,
  ) {}

  submit(op: ResolvedOp): Promise<TxResult> {
    return new Promise<TxResult>((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT || this.queue.length === 0) return;
    this.scheduled = true;
    // Lets the writes that arrived in the same turn (one network read) join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.queue.length > 0 && this.inFlight < MAX_IN_FLIGHT) {
      const batch = this.take();
      this.inFlight += 1;
      void this.write(batch).finally(() => {
        this.inFlight -= 1;
        this.schedule();
      });
    }
  }

  /** The oldest queued operations, at most one per key, in arrival order. */
  private take(): Pending[] {
    const batch: Pending[] = [];
    const keys = new Set<string>();
    const rest: Pending[] = [];
    for (const pending of this.queue) {
      if (batch.length < MAX_BATCH && !keys.has(pending.op.key)) {
        keys.add(pending.op.key);
        batch.push(pending);
      } else rest.push(pending);
    }
    this.queue = rest;
    return batch;
  }

  private async write(batch: Pending[]): Promise<void> {
    if (batch.length === 1) {
      const [only] = batch;
      if (only !== undefined) await this.alone(only);
      return;
    }
    let read: Awaited<ReturnType<KvBackend['read']>>;
    try {
      read = await this.backend.read(batch.flatMap((p) => [p.op.key, p.op.statusKey]));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    const writers: { pending: Pending; plan: TxPlan }[] = [];
    for (const pending of batch) {
      let plan: TxPlan;
      try {
        plan = planTransaction([pending.op], read.entries, this.source, 1);
      } catch (error) {
        pending.reject(error);
        continue;
      }
      if (plan.writes.length === 0) {
        pending.resolve(txResult(plan.results, read.revision));
      } else writers.push({ pending, plan });
    }
    if (writers.length === 0) return;
    const compares = writers.flatMap((w) => w.plan.compares);
    const writes = writers.flatMap((w) => w.plan.writes);
    if (!fitsLimits(compares, writes)) {
      await Promise.all(writers.map((w) => this.alone(w.pending)));
      return;
    }
    let commit: Awaited<ReturnType<KvBackend['commit']>>;
    try {
      commit = await this.backend.commit(compares, writes);
    } catch (error) {
      for (const { pending } of writers) pending.reject(error);
      return;
    }
    if (!commit.succeeded) {
      await Promise.all(writers.map((w) => this.alone(w.pending)));
      return;
    }
    for (const { pending, plan } of writers) {
      pending.resolve(txResult(plan.results, commit.revision));
    }
  }

  private async alone(pending: Pending): Promise<void> {
    try {
      pending.resolve(await this.commitAlone(pending.op));
    } catch (error) {
      pending.reject(error);
    }
  }
}
