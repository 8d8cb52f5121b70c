// etcd down under traffic and writes. One API and one control plane on a real etcd;
// proxyless clients call a Service with two Workloads back to back, and CAS writers
// append increments to their own Service through the API. etcd is SIGKILLed for
// reliabilitySettings.etcdOutageMs and started again. Proves:
// - the data plane keeps serving the last config: no failed RPC during the outage;
// - every write during the outage is answered fast with 503 problem+json saying the
//   store is unavailable (never a hang), and no 2xx is given for a write the store
//   does not hold afterwards;
// - after recovery the API writes again and a new change reaches the clients quickly;
//   every acknowledged increment is in the store exactly once (503-answered ones are
//   absent or, if etcd applied them before dying, present once: "ambiguous");
// - /readyz of the API says 503 with the store's error while etcd is down, 200 after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditWrites,
  callContinuously,
  CasWriter,
  pollStatus,
  sumTallies,
  type CallLoop,
  type WriteAnswer,
} from '../src/etcd-faults';
import { percentile, reportFigures, reliabilityLog } from '../src/report';
import { reliabilitySettings } from '../src/settings';
import { eventually, manifests as m, ReliabilityStack, type ApiReplica } from '../src/stack';

const SCENARIO = 'etcd-outage';
const WRITERS = 4;
const CLIENTS = 4;
/** A write answered later than this during the outage counts as hanging. */
const MAX_OUTAGE_ANSWER_MS = 3000;

let stack: ReliabilityStack;
let api: ApiReplica;

beforeAll(async () => {
  stack = await ReliabilityStack.start({ name: SCENARIO });
  api = await stack.startApi();
  await stack.startControlPlane();
});

afterAll(async () => {
  await stack?.close();
});

describe('etcd outage under traffic and writes', () => {
  it('serves the last config, refuses writes fast, loses nothing and recovers', async () => {
    const log = reliabilityLog.child({ scenario: SCENARIO });
    const [one, two, three] = await Promise.all([
      stack.backend('one'),
      stack.backend('two'),
      stack.backend('three'),
    ]);
    await stack
      .client()
      .apply([
        m.meshWithoutMtls(),
        m.service('reliability', 'caller', 8080),
        m.service('outage', 'echo', 50051),
        m.workload('outage', 'echo-1', 'echo', one.port),
        m.workload('outage', 'echo-2', 'echo', two.port),
      ]);
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, () => stack.xdsClient('xds:///echo.outage:50051')),
    );
    for (const client of clients)
      await eventually(
        'a client served by echo-1 or echo-2',
        async () => (await client.call({ deadlineMs: 1000 })).ok,
        30_000,
      );
    const loops: CallLoop[] = clients.map((client) =>
      callContinuously(() => client.call({ deadlineMs: 2000 })),
    );
    const writers = Array.from(
      { length: WRITERS },
      (_, i) => new CasWriter(api.url, stack.adminToken, 'writes', `counter-${i + 1}`),
    );
    for (const writer of writers) await writer.create();
    for (const writer of writers) writer.start();
    const apiReady = pollStatus(`${api.url}/readyz`, 500);
    const cpReady = pollStatus(`${stack.controlPlanes[0]?.adminUrl}/readyz`, 1000);

    // Before: a few seconds of normal service.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const before = sumTallies(loops.map((l) => l.reset()));
    const acknowledgedBefore = writers.reduce((s, w) => s + w.acknowledged.length, 0);
    log.info({ before, acknowledgedBefore }, 'before the outage');

    // The outage.
    const killedAt = Date.now();
    await stack.etcd.kill();
    log.info({ outageMs: reliabilitySettings.etcdOutageMs }, 'etcd killed');
    await new Promise((resolve) => setTimeout(resolve, reliabilitySettings.etcdOutageMs));
    const during = sumTallies(loops.map((l) => l.reset()));
    const restartedAt = Date.now();
    await stack.etcd.restart();
    const etcdBackAt = Date.now();
    log.info({ during, restartMs: etcdBackAt - restartedAt }, 'etcd restarted');

    // Recovery: the first acknowledged write after etcd is back.
    const acknowledgedAt = () =>
      writers.flatMap((w) => w.answers.filter((a) => a.status === 200 && a.at >= etcdBackAt));
    const writesAgainMs = await eventually(
      'an acknowledged write after the restart',
      async () => acknowledgedAt().length > 0,
      30_000,
      20,
    );
    const apiReadyAgainMs = await eventually(
      'the API /readyz to answer 200 again',
      async () => (await fetch(`${api.url}/readyz`)).status === 200,
      30_000,
      50,
    );
    // A change after recovery: a third Workload, seen by every client.
    const changedAt = Date.now();
    await stack.client().apply([m.workload('outage', 'echo-3', 'echo', three.port)]);
    await eventually(
      'every client to be served by echo-3',
      async () => loops.every((l) => l.tally.firstSeen.has('three')),
      30_000,
      20,
    );
    const changeReachedMs =
      Math.max(...loops.map((l) => l.tally.firstSeen.get('three') ?? Date.now())) - changedAt;
    // Keep writing a little, then stop everything and audit.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const writer of writers) await writer.stop();
    const after = sumTallies(loops.map((l) => l.reset()));
    await Promise.all(loops.map((l) => l.stop()));
    await apiReady.stop();
    await cpReady.stop();

    const audits = await Promise.all(
      writers.map(async (writer) => auditWrites(writer, await writer.stored())),
    );
    const all: WriteAnswer[] = writers.flatMap((w) => w.answers);
    const outageAnswers = all.filter((a) => a.at >= killedAt + 200 && a.at + a.ms < restartedAt);
    const outageMs = outageAnswers.map((a) => a.ms);
    const outageStatuses = [...new Set(outageAnswers.map((a) => a.status))];
    const apiDuring = apiReady.answers.filter((a) => a.at > killedAt + 500 && a.at < restartedAt);
    const cpDuring = cpReady.answers.filter((a) => a.at > killedAt + 500 && a.at < restartedAt);
    const figures = {
      outageMs: reliabilitySettings.etcdOutageMs,
      rpcsBefore: before.calls,
      rpcsDuringOutage: during.calls,
      failedRpcsDuringOutage: during.failures,
      rpcsAfter: after.calls,
      failedRpcsAfter: after.failures,
      writesAcknowledged: audits.reduce((s, a) => s + a.acknowledged, 0),
      writesDuringOutage: outageAnswers.length,
      outageAnswerP99Ms: percentile(outageMs, 99),
      outageAnswerMaxMs: Math.max(0, ...outageMs),
      writesLost: audits.reduce((s, a) => s + a.lost.length, 0),
      writesDuplicated: audits.reduce((s, a) => s + a.duplicated.length, 0),
      writesPhantom: audits.reduce((s, a) => s + a.phantom.length, 0),
      writesAmbiguous: audits.reduce((s, a) => s + a.ambiguousAnswers, 0),
      writesAmbiguousApplied: audits.reduce((s, a) => s + a.ambiguousApplied, 0),
      writeConflicts: writers.reduce((s, w) => s + w.conflicts, 0),
      etcdRestartMs: etcdBackAt - restartedAt,
      apiWritesAgainMs: writesAgainMs,
      apiReadyAgainMs,
      changeAfterRecoveryReachedClientsMs: changeReachedMs,
      apiReadyzDuringOutage: [...new Set(apiDuring.map((a) => `${a.status} ${a.body}`))]
        .join(' | ')
        .slice(0, 300),
      controlPlaneReadyzDuringOutage: [...new Set(cpDuring.map((a) => a.status))].join(','),
    };
    reportFigures(SCENARIO, figures);

    // The data plane served the last config throughout.
    expect(during.failureDetails).toEqual([]);
    expect(during.failures).toBe(0);
    expect(during.calls).toBeGreaterThan(100);
    expect(Object.keys(during.backends).sort()).toEqual(['one', 'two']);
    expect(after.failures).toBe(0);
    // Writes during the outage: 503 problem+json naming the store, fast.
    expect(outageAnswers.length).toBeGreaterThan(10);
    expect(outageStatuses).toEqual([503]);
    for (const answer of outageAnswers) {
      expect(answer.contentType).toContain('application/problem+json');
      expect(answer.problem).toMatch(/store unavailable/i);
    }
    expect(figures.outageAnswerMaxMs).toBeLessThan(MAX_OUTAGE_ANSWER_MS);
    // Nothing acknowledged was lost or doubled; nothing unacknowledged appeared.
    for (const audit of audits) {
      expect(audit.lost).toEqual([]);
      expect(audit.duplicated).toEqual([]);
      expect(audit.phantom).toEqual([]);
    }
    // The API said it was not ready while etcd was down, and is ready again.
    expect(apiDuring.length).toBeGreaterThan(0);
    expect(apiDuring.every((a) => a.status === 503)).toBe(true);
    // The control plane keeps serving its last snapshots: it stays ready.
    expect(cpDuring.every((a) => a.status === 200)).toBe(true);
    expect(writesAgainMs).toBeLessThan(10_000);
    expect(changeReachedMs).toBeLessThan(10_000);
  });
});
