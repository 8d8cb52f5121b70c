// Compare-and-swap under contention across processes: two API replicas on one etcd,
// 20 writers appending "<writer>:<seq>" to an annotation of the same 3 Services with
// read-modify-write (PUT with metadata.resourceVersion, PUT with If-Match, PATCH
// with metadata.resourceVersion in the merge patch, PATCH with If-Match), each
// attempt on the other replica than the last. Proves: every acknowledged write is in
// the final objects exactly once (no lost update, no duplicate, nothing unacknowledged),
// losers get 409 (412 under If-Match) as problem+json with a message, never a 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Answer } from '../src/rbac-matrix';
import { percentile, reportFigures } from '../src/report';
import { reliabilitySettings } from '../src/settings';
import { API_VERSION, ReliabilityStack, type ApiReplica } from '../src/stack';

const WRITERS = 20;
const OBJECTS = 3;
const INCREMENTS = reliabilitySettings.mode === 'long' ? 100 : 25;
const NAMESPACE = 'cas';
const LOG = 'cas.crossway.dev/log';
const MODES = ['put-body', 'put-if-match', 'patch-body', 'patch-if-match'] as const;
type Mode = (typeof MODES)[number];

let stack: ReliabilityStack;
let replicas: ApiReplica[];

beforeAll(async () => {
  stack = await ReliabilityStack.start({ name: 'api-cas' });
  replicas = [await stack.startApi(), await stack.startApi()];
  await stack.client().apply(
    Array.from({ length: OBJECTS }, (_, i) => ({
      apiVersion: API_VERSION,
      kind: 'Service',
      metadata: { name: `counter-${i}`, namespace: NAMESPACE, annotations: { [LOG]: '' } },
      spec: { ports: [{ name: 'http', port: 80, protocol: 'http' }] },
    })),
  );
});

afterAll(async () => {
  await stack?.close();
});

interface Stored {
  metadata: { resourceVersion: string; annotations?: Record<string, string> };
}

interface Tally {
  acked: Map<string, string[]>;
  attempts: number;
  conflicts: Record<Mode, number>;
  /** Losers answered with something other than the contract's 409/412 problem+json. */
  wrongLosers: string[];
  serverErrors: string[];
  latenciesMs: number[];
  retriesMax: number;
}

const entriesOf = (log: string | undefined) => (log ? log.split(',') : []);

/** One read-modify-write attempt in `mode`; returns the answer of the write. */
async function attempt(
  replica: ApiReplica,
  path: string,
  mode: Mode,
  entry: string,
): Promise<{ read: Answer; write?: Answer }> {
  const token = stack.adminToken;
  const read = await call(replica.url, 'GET', path, { token });
  if (read.status !== 200) return { read };
  const current = read.json as Stored;
  const rv = current.metadata.resourceVersion;
  const log = [...entriesOf(current.metadata.annotations?.[LOG]), entry].join(',');
  const annotations = { ...current.metadata.annotations, [LOG]: log };
  const ifMatch = mode.endsWith('if-match') ? { 'if-match': `"${rv}"` } : undefined;
  let write: Answer;
  if (mode.startsWith('put')) {
    const { status: _status, ...object } = read.json as Record<string, unknown>;
    const metadata: Record<string, unknown> = {
      ...(object['metadata'] as Record<string, unknown>),
      annotations,
    };
    if (ifMatch) delete metadata['resourceVersion'];
    write = await call(replica.url, 'PUT', path, {
      token,
      body: { ...object, metadata },
      ...(ifMatch ? { headers: ifMatch } : {}),
    });
  } else {
    const patch = {
      metadata: { annotations: { [LOG]: log }, ...(ifMatch ? {} : { resourceVersion: rv }) },
    };
    write = await call(replica.url, 'PATCH', path, {
      token,
      body: patch,
      contentType: 'application/merge-patch+json',
      ...(ifMatch ? { headers: ifMatch } : {}),
    });
  }
  return { read, write };
}

async function writer(id: number, tally: Tally): Promise<void> {
  const mode = MODES[id % MODES.length] ?? 'put-body';
  let hop = id;
  for (let seq = 0; seq < INCREMENTS; seq += 1) {
    const entry = `w${id}:${seq}`;
    const object = `counter-${(id + seq) % OBJECTS}`;
    const path = `/api/v1/namespaces/${NAMESPACE}/services/${object}`;
    for (let tries = 0; ; tries += 1) {
      if (tries > 500) throw new Error(`${entry} did not get through in 500 tries`);
      // Alternate replicas so the read and the write of neighbours race across processes.
      hop += 1;
      const replica = replicas[hop % replicas.length];
      if (replica === undefined) throw new Error('no API replica');
      const started = performance.now();
      const { read, write } = await attempt(replica, path, mode, entry);
      tally.attempts += 1;
      const answer = write ?? read;
      if (write) tally.latenciesMs.push(performance.now() - started);
      if (answer.status >= 500) {
        tally.serverErrors.push(`${entry} ${answer.status} ${answer.text.slice(0, 200)}`);
        continue;
      }
      if (write && write.status === 200) {
        const acked = tally.acked.get(object) ?? [];
        acked.push(entry);
        tally.acked.set(object, acked);
        tally.retriesMax = Math.max(tally.retriesMax, tries);
        break;
      }
      const expected = mode.endsWith('if-match') ? 412 : 409;
      const detail = (answer.json as { detail?: unknown } | undefined)?.detail;
      if (
        !write ||
        answer.status !== expected ||
        !answer.contentType.startsWith('application/problem+json') ||
        typeof detail !== 'string' ||
        detail === ''
      ) {
        tally.wrongLosers.push(
          `${mode} ${entry}: ${answer.status} ${answer.contentType} ${answer.text.slice(0, 200)}`,
        );
      }
      tally.conflicts[mode] += 1;
    }
  }
}

describe('20 CAS writers on the same objects through two API replicas', () => {
  it('keeps every acknowledged increment exactly once and refuses stale writes with 409/412', async () => {
    const tally: Tally = {
      acked: new Map(),
      attempts: 0,
      conflicts: { 'put-body': 0, 'put-if-match': 0, 'patch-body': 0, 'patch-if-match': 0 },
      wrongLosers: [],
      serverErrors: [],
      latenciesMs: [],
      retriesMax: 0,
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: WRITERS }, (_, id) => writer(id, tally)));
    const seconds = (Date.now() - started) / 1000;

    const lost: string[] = [];
    const duplicated: string[] = [];
    const unacknowledged: string[] = [];
    for (let i = 0; i < OBJECTS; i += 1) {
      const object = `counter-${i}`;
      const final = (await stack.client().get('Service', object, NAMESPACE)) as unknown as Stored;
      const entries = entriesOf(final.metadata.annotations?.[LOG]);
      const counts = new Map<string, number>();
      for (const e of entries) counts.set(e, (counts.get(e) ?? 0) + 1);
      const acked = new Set(tally.acked.get(object) ?? []);
      for (const e of acked) if (!counts.has(e)) lost.push(`${object}/${e}`);
      for (const [e, n] of counts) {
        if (n > 1) duplicated.push(`${object}/${e} x${n}`);
        if (!acked.has(e)) unacknowledged.push(`${object}/${e}`);
      }
    }
    const conflicts = Object.values(tally.conflicts).reduce((a, b) => a + b, 0);
    const writes = [...tally.acked.values()].reduce((a, b) => a + b.length, 0);
    reportFigures('api-cas', {
      writers: WRITERS,
      objects: OBJECTS,
      acknowledgedWrites: writes,
      attempts: tally.attempts,
      conflicts,
      conflictsPutBody: tally.conflicts['put-body'],
      conflictsPutIfMatch: tally.conflicts['put-if-match'],
      conflictsPatchBody: tally.conflicts['patch-body'],
      conflictsPatchIfMatch: tally.conflicts['patch-if-match'],
      maxRetriesOfOneIncrement: tally.retriesMax,
      lostUpdates: lost.length,
      duplicates: duplicated.length,
      wrongLoserAnswers: tally.wrongLosers.length,
      serverErrors: tally.serverErrors.length,
      writeP50Ms: Math.round(percentile(tally.latenciesMs, 50)),
      writeP99Ms: Math.round(percentile(tally.latenciesMs, 99)),
      seconds: Math.round(seconds * 10) / 10,
    });

    expect(tally.serverErrors, 'no 5xx').toEqual([]);
    // A PATCH with If-Match that loses between the route's read and its write must
    // still answer 412 (apps/api/src/routes/objects.ts, the PATCH handler).
    expect(tally.wrongLosers.slice(0, 10), 'losers answer 409, or 412 under If-Match').toEqual([]);
    expect(writes).toBe(WRITERS * INCREMENTS);
    expect(lost, 'acknowledged increments missing from the final objects').toEqual([]);
    expect(duplicated, 'increments recorded twice').toEqual([]);
    expect(unacknowledged, 'increments in the objects that were never acknowledged').toEqual([]);
    // 20 writers on 3 objects must collide; none would mean the test raced nothing.
    expect(conflicts).toBeGreaterThan(WRITERS);
    for (const mode of MODES) expect(tally.conflicts[mode], `${mode} conflicts`).toBeGreaterThan(0);
  });
});
