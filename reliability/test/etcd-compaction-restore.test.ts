// The store moving on without the control plane. Proves:
// a. a control plane that stops reading (SIGSTOP) while the store takes more writes
//    than its watch stream can buffer and is compacted past them notices when it runs
//    again (its watch is canceled as compacted), re-lists, and converges: the objects
//    it builds from (/debug/objects) equal a fresh read, and calls route per the new
//    state;
// b. etcd restored from an older cold backup (its revision goes BACKWARDS, and
//    revisions the control plane already saw are handed out again for other content):
//    the control plane notices, re-lists, its cache equals a fresh read, and a write
//    made right after the restore (reusing a revision it saw before, on the same
//    object) reaches the data plane with its new content.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrosswayObject } from '@crossway/model';
import { isStoreError, type EtcdStore } from '@crossway/store';
import {
  controlPlaneObjects,
  digestDifferences,
  directStore,
  freshObjects,
} from '../src/etcd-faults';
import { reportFigures, reliabilityLog } from '../src/report';
import {
  eventually,
  manifests as m,
  ReliabilityStack,
  type ControlPlaneReplica,
} from '../src/stack';

const SCENARIO = 'etcd-compaction-restore';
const NS = 'restore';
/**
 * Revisions written while the control plane is stopped. etcd buffers 128 responses per
 * watch stream (plus one HTTP/2 window of 64 KiB) for a reader that does not read;
 * beyond that the watcher falls back to catching up from its revision, which the
 * compaction then removes. Each write is its own revision, ~4 KiB with its prev_kv.
 */
const WRITES_WHILE_STOPPED = 400;
const PADDING = 'x'.repeat(2048);

let stack: ReliabilityStack;
let cp: ControlPlaneReplica;
let store: EtcdStore;
let backupDir: string;
/** Log bytes of earlier runs (log files are appended to): skipped when reading. */
const earlierLogBytes = new Map<string, number>();
const log = reliabilityLog.child({ scenario: SCENARIO });

beforeAll(async () => {
  stack = await ReliabilityStack.start({ name: SCENARIO });
  await stack.startApi();
  cp = await stack.startControlPlane();
  store = directStore(stack);
  backupDir = mkdtempSync(join(tmpdir(), 'crossway-etcd-backup-'));
  for (const file of readdirSync(stack.logDir))
    earlierLogBytes.set(file, statSync(join(stack.logDir, file)).size);
});

afterAll(async () => {
  await store?.close();
  await stack?.close();
  if (backupDir !== undefined) rmSync(backupDir, { recursive: true, force: true });
});

/** Waits until the control plane's objects equal a fresh read of the store; returns ms. */
async function converged(what: string, timeoutMs = 30_000): Promise<number> {
  let last: string[] = [];
  try {
    return await eventually(
      what,
      async () => {
        const [cache, fresh] = [await controlPlaneObjects(cp), await freshObjects(store)];
        last = digestDifferences(cache.objects, fresh.objects);
        return last.length === 0 && cache.objects.length === fresh.objects.length;
      },
      timeoutMs,
      50,
    );
  } catch (error) {
    throw new Error(`${String(error)}; differences: ${last.join('; ')}`);
  }
}

/** What the control plane logged in this run. */
function controlPlaneLog(): string {
  return readdirSync(stack.logDir)
    .filter((f) => f.startsWith(`${cp.name}-`))
    .map((f) => readFileSync(join(stack.logDir, f)).subarray(earlierLogBytes.get(f) ?? 0))
    .join('');
}

/** Runs `call` until the store answers (a restarted etcd takes a moment to be reached). */
async function retrying<T>(call: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!isStoreError(error, 'Unavailable') || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function stored(kind: 'Workload' | 'Service', name: string): Promise<CrosswayObject> {
  const object = await store.get({ kind, namespace: NS, name });
  if (object === undefined) throw new Error(`${kind} ${NS}/${name} is not in the store`);
  return object;
}

let touches = 0;
/** One write (one new revision: the content changes) to a Service nobody routes to. */
async function touchScratch(): Promise<void> {
  touches += 1;
  const scratch = {
    ...m.service(NS, 'scratch', 9999),
    metadata: { name: 'scratch', namespace: NS, labels: { touch: String(touches) } },
  } as CrosswayObject;
  if ((await store.get({ kind: 'Service', namespace: NS, name: 'scratch' })) === undefined)
    await store.create(scratch);
  else await store.update(scratch);
}

async function echo1(): Promise<CrosswayObject> {
  return stored('Workload', 'echo-1');
}

/** Points Workload echo-1 at `port`, with compare-and-swap; returns its new resourceVersion. */
async function pointEcho1At(port: number): Promise<string> {
  const current = await echo1();
  const updated = await store.update(
    { ...current, spec: { ...(current.spec as object), ports: [{ name: 'grpc', port }] } },
    { expectedResourceVersion: current.metadata.resourceVersion ?? '' },
  );
  return updated.metadata.resourceVersion ?? '';
}

describe('the control plane across compaction and an etcd restore', () => {
  it('re-lists after its watch revision was compacted while it was stopped, and after a restore from an older backup', async () => {
    const backends = await Promise.all(
      ['one', 'two', 'three', 'four'].map((name) => stack.backend(name)),
    );
    const [one, two, three, four] = backends.map((b) => b.port) as [number, number, number, number];
    await stack
      .client()
      .apply([
        m.meshWithoutMtls(),
        m.service('reliability', 'caller', 8080),
        m.service(NS, 'echo', 50051),
        m.workload(NS, 'echo-1', 'echo', one),
        ...Array.from({ length: 10 }, (_, i) => m.service(NS, `filler-${i}`, 9000 + i)),
      ]);
    // Every token is created now: a restore would forget later ones.
    const client = await stack.xdsClient(`xds:///echo.${NS}:50051`);
    /** Waits until 20 calls in a row are all served by `backend`; returns ms. */
    const servedOnlyBy = (backend: string, timeoutMs = 30_000) =>
      eventually(
        `calls served only by ${backend}`,
        async () => {
          const tally = await client.tally(20, { concurrency: 4 });
          return tally.size === 1 && tally.get(backend) === 20;
        },
        timeoutMs,
        50,
      );
    await servedOnlyBy('one');
    await converged('the control plane to sync at start');

    // a. Stopped while the store moves on and is compacted.
    const pid = cp.child.pid;
    if (pid === undefined) throw new Error('the control plane has no pid');
    const revisionBeforeStop = (await controlPlaneObjects(cp)).revision;
    process.kill(pid, 'SIGSTOP');
    let compactedAt: number;
    try {
      const padded = (i: number): CrosswayObject =>
        ({
          ...m.service('bulk', 'padded', 7000),
          metadata: { name: 'padded', namespace: 'bulk', annotations: { pad: `${i}${PADDING}` } },
        }) as CrosswayObject;
      await store.create(padded(0));
      // One at a time: concurrent writes would share revisions (group commit).
      for (let i = 1; i < WRITES_WHILE_STOPPED; i++) await store.update(padded(i));
      await pointEcho1At(two);
      await store.delete({ kind: 'Service', namespace: NS, name: 'filler-9' });
      compactedAt = await store.revision();
      await store.compact(compactedAt);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const resumedAt = Date.now();
    const compactionConvergeMs = await converged('the control plane to converge after compaction');
    await servedOnlyBy('two');
    const compactionRouteMs = Date.now() - resumedAt;
    const sawCompaction = controlPlaneLog()
      .split('\n')
      .some((line) => line.includes('"code":"Compacted"') && line.includes('store watch failed'));
    log.info(
      { revisionBeforeStop, compactedAt, compactionConvergeMs, sawCompaction },
      'converged after compaction',
    );

    // b. Restored from an older backup.
    const backup = join(backupDir, 'data');
    await stack.etcd.copyDataDir(backup);
    const backupRevision = await retrying(() => store.revision());
    // echo-1 moves on a few revisions after the backup, so that after the restore the
    // same object can be written at that same revision again (see below).
    for (let i = 0; i < 8; i++) await retrying(() => touchScratch());
    const movedOnRevision = await pointEcho1At(three);
    await store.transaction([
      ...Array.from({ length: 10 }, (_, i) => ({
        op: 'create' as const,
        object: m.service(NS, `later-${i}`, 9100 + i) as CrosswayObject,
      })),
      ...[0, 1, 2].map((i) => ({
        op: 'delete' as const,
        id: { kind: 'Service' as const, namespace: NS, name: `filler-${i}` },
      })),
    ]);
    for (const i of [3, 4]) {
      const filler = await stored('Service', `filler-${i}`);
      await store.update({
        ...filler,
        metadata: { ...filler.metadata, labels: { moved: 'on' } },
      });
    }
    await converged('the control plane to follow the writes after the backup');
    await servedOnlyBy('three');
    const cacheRevisionBeforeRestore = (await controlPlaneObjects(cp)).revision;

    const restoreStarted = Date.now();
    await stack.etcd.restoreDataDir(backup);
    const restoredAt = Date.now();
    // Written at once, before the control plane is back on its watch, and aimed at the
    // very revision the control plane saw for echo-1 pointing at `three`: same object,
    // same resourceVersion, other content (other writers can still get in between).
    const restoredRevision = await retrying(() => store.revision());
    while ((await store.revision()) < Number(movedOnRevision) - 1) await touchScratch();
    const afterRestoreRevision = await retrying(() => pointEcho1At(four));
    const restoreConvergeMs = await converged('the control plane to converge after the restore');
    await servedOnlyBy('four');
    const restoreRouteMs = Date.now() - restoredAt;
    const fresh = await freshObjects(store);
    const names = fresh.objects.filter((o) => o.namespace === NS).map((o) => o.name);
    const controlPlaneText = controlPlaneLog();
    const sawRegression = /store revision went back from \d+ to \d+: re-listing/.test(
      controlPlaneText,
    );

    reportFigures(SCENARIO, {
      writesWhileStopped: WRITES_WHILE_STOPPED,
      compactedAtRevision: compactedAt,
      watchCanceledAsCompacted: sawCompaction,
      compactionConvergeMs,
      compactionRouteMs,
      backupRevision,
      cacheRevisionBeforeRestore,
      restoredRevision,
      restoreMs: restoredAt - restoreStarted,
      regressionLogged: sawRegression,
      sameObjectSameRevisionReused: afterRestoreRevision === movedOnRevision,
      restoreConvergeMs,
      restoreRouteMs,
    });

    // a: the watch was canceled as compacted (the path this proves), and it converged.
    expect(sawCompaction).toBe(true);
    // b: the store went back, the control plane said so, and holds the restored state.
    expect(restoredRevision).toBeLessThan(cacheRevisionBeforeRestore);
    expect(sawRegression).toBe(true);
    expect(names).toContain('filler-0');
    expect(names).not.toContain('later-0');
    expect(names).not.toContain('filler-9');
    // The content check: echo-1 may carry a resourceVersion the control plane saw
    // before for other content; calls must still go where the store says now.
    expect(Number(afterRestoreRevision)).toBeLessThanOrEqual(cacheRevisionBeforeRestore);
  });
});
