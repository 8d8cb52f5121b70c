// The control plane SIGKILLed mid-push, reliabilitySettings.controlPlaneKills times.
// One API and one control plane on a real etcd, a model big enough that a push takes
// a while (hundreds of Services, each with a Workload and an HTTPRoute), grpc-js-xds
// clients calling through it back to back, and raw ADS data planes (wildcard SotW and
// Delta, a sidecar that sees every Service). Each round applies a change through the
// API (or none), kills the control plane at a varied moment (steady state, as soon as
// the apply answers, a little later, when the first probe got the change, when the
// control plane logs its change trace) and starts it again on the same ports. Proves:
// - /readyz of the new process says 503 (or does not listen) until it has synced with
//   the store, then 200 and stays 200; nothing is pushed while it says "not ready";
// - the first LDS/CDS each SotW probe gets from the new process is complete and equal
//   to a fresh preview (never an empty or partial set); a fresh Delta stream gets the
//   whole set in its first response; a resuming Delta stream gets only what differs;
// - when the store did not change across a kill, versions after the restart equal the
//   versions before it (no spurious push);
// - the grpc-js-xds clients never fail an RPC across all the kills (they serve their
//   last config while the control plane is away), and after the last kill a new
//   client is routed by the change applied just before it.
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyInfo } from '@crossway/client';
import {
  DeltaProbe,
  nameDifferences,
  SotwProbe,
  TYPE_URLS,
  type ReceivedSotw,
} from '../src/ads-probe';
import { callContinuously, pollStatus, sumTallies, type CallLoop } from '../src/etcd-faults';
import { percentile, reliabilityLog, reportFigures } from '../src/report';
import { reliabilitySettings } from '../src/settings';
import {
  eventually,
  manifests as m,
  ReliabilityStack,
  type ControlPlaneReplica,
} from '../src/stack';

const SCENARIO = 'controlplane-kill';
const NS = 'push';
const PORT = 50051;
const SERVICES = reliabilitySettings.mode === 'long' ? 500 : 300;
const GRPC_CLIENTS = 4;
/** Trace lines mark the moment a change is published: one of the kill moments. */
const CP_ENV = { CROSSWAY_TRACE_CHANGES: '1' };
const SIDECAR = { role: 'sidecar', service: `${NS}/client`, workload: 'client-1' };
const LDS = TYPE_URLS.listeners;
const CDS = TYPE_URLS.clusters;
/** How long a restarted control plane may take to answer every stream (loaded CI). */
const FIRST_PUSH_TIMEOUT_MS = 60_000;
const CALLER = 'reliability/caller';

/**
 * When the kill comes: with no change pending, right as the apply answers, a little
 * later, when the first data plane got the change, or when the control plane logs
 * the change's trace line (the push is under way).
 */
const MOMENTS = ['steady', 'answered', 'delayed', 'first-response', 'traced'] as const;
type Moment = (typeof MOMENTS)[number];

let stack: ReliabilityStack;
/** grpc-js-xds callers, stopped before the stack closes even when the test fails. */
let loops: CallLoop[] = [];
let cp: ControlPlaneReplica;

beforeAll(async () => {
  stack = await ReliabilityStack.start({ name: SCENARIO });
  await stack.startApi();
  cp = await stack.startControlPlane(CP_ENV);
});

afterAll(async () => {
  // Callers first: a call on a channel the stack has closed throws.
  await Promise.allSettled(loops.map((l) => l.stop()));
  await stack?.close();
});

/**
 * The grpc-js-xds clients' route: all traffic to `backend`, and a weight of one in a
 * million to the other, so both clusters stay subscribed and a move never names a
 * cluster the client does not hold yet. A move to a never-seen cluster has a window a
 * kill can hit that the control plane cannot close: grpc-js-xds subscribes to the new
 * cluster only when the route arrives, and fails RPCs with the broken stream's error
 * until it reconnects and gets the cluster (with grpc-js-xds 1.14.1 never resetting its
 * ADS back-off, that is up to 120 s after many kills). That limitation is reported in
 * the issue note rather than hidden by this scenario.
 */
function echoRoute(backend: 'one' | 'two') {
  const other = backend === 'one' ? 'two' : 'one';
  return m.route(NS, 'echo', { service: 'echo', port: PORT }, [
    {
      backendRefs: [
        { name: `echo-${backend}`, port: PORT, weight: 1_000_000 },
        { name: `echo-${other}`, port: PORT, weight: 1 },
      ],
    },
  ]);
}

/** A Service with one Workload (on `backendPort`) and an HTTPRoute to itself. */
function serviceSet(name: string, backendPort: number) {
  return [
    m.service(NS, name, PORT),
    m.workload(NS, `${name}-1`, name, backendPort),
    m.route(NS, name, { service: name, port: PORT }, [{ backendRefs: [{ name, port: PORT }] }]),
  ];
}

interface Expected {
  /** Sorted names per complete type. */
  names: Map<string, string[]>;
  versions: Map<string, string>;
}

/** What the sidecar probes must hold, from a fresh read of the store (the API's preview). */
async function expectedConfig(): Promise<Expected> {
  const preview = (await stack
    .client()
    .preview({ role: 'sidecar', service: SIDECAR.service, workload: SIDECAR.workload })) as {
    resources: Record<string, { name: string }[]>;
    versions: Record<string, string>;
  };
  const names = (kind: string) => (preview.resources[kind] ?? []).map((r) => r.name).sort();
  return {
    names: new Map([
      [LDS, names('listeners')],
      [CDS, names('clusters')],
    ]),
    versions: new Map([
      [LDS, preview.versions['listeners'] ?? ''],
      [CDS, preview.versions['clusters'] ?? ''],
    ]),
  };
}

function instanceOf(replica: ControlPlaneReplica): string {
  return `${hostname()}-${replica.child.pid}`;
}

describe('control plane killed mid-push', () => {
  it(`restarts ready, complete and unchanged across ${reliabilitySettings.controlPlaneKills} kills without failing an RPC`, async () => {
    const log = reliabilityLog.child({ scenario: SCENARIO });
    const [one, two] = await Promise.all([stack.backend('one'), stack.backend('two')]);
    const model: Record<string, unknown>[] = [
      m.meshWithoutMtls(),
      m.service('reliability', 'caller', 8080),
      m.service(NS, 'client', PORT),
      m.workload(NS, 'client-1', 'client', 40000),
      m.service(NS, 'echo', PORT),
      m.service(NS, 'echo-one', PORT),
      m.workload(NS, 'echo-one-1', 'echo-one', one.port),
      m.service(NS, 'echo-two', PORT),
      m.workload(NS, 'echo-two-1', 'echo-two', two.port),
      echoRoute('one'),
    ];
    for (let i = 0; i < SERVICES; i++) model.push(...serviceSet(`svc-${i}`, one.port));
    const setupStarted = Date.now();
    let lastRevision = Number((await stack.client().apply(model)).resourceVersion);
    log.info({ objects: model.length, ms: Date.now() - setupStarted }, 'model applied');

    const token = (
      await stack
        .client()
        .createToken({ type: 'dataplane', role: 'sidecar', service: SIDECAR.service, ttl: '1h' })
    ).token;
    const sotw = [1, 2].map(
      (n) => new SotwProbe({ id: `${SCENARIO}-sotw-${n}`, metadata: SIDECAR }, token),
    );
    const deltaFresh = new DeltaProbe(
      { id: `${SCENARIO}-delta-fresh`, metadata: SIDECAR },
      token,
      false,
    );
    const deltaResume = new DeltaProbe(
      { id: `${SCENARIO}-delta-resume`, metadata: SIDECAR },
      token,
      true,
    );
    const probes = [...sotw, deltaFresh, deltaResume];
    const openProbes = () => {
      for (const probe of probes) probe.open(cp.xdsPort);
    };
    openProbes();

    const clients = await Promise.all(
      Array.from({ length: GRPC_CLIENTS }, () => stack.xdsClient(`xds:///echo.${NS}:${PORT}`)),
    );
    for (const client of clients)
      await eventually(
        'a grpc-js-xds client served by echo-one',
        async () => (await client.call({ deadlineMs: 1000 })).backend === 'one',
        60_000,
      );
    let expected = await expectedConfig();
    expect(expected.names.get(CDS)?.length).toBeGreaterThan(SERVICES);
    await waitInSync(expected, 60_000);
    log.info(
      {
        listeners: expected.names.get(LDS)?.length,
        clusters: expected.names.get(CDS)?.length,
        setupMs: Date.now() - setupStarted,
      },
      'probes in sync',
    );

    loops = clients.map((client) => callContinuously(() => client.call({ deadlineMs: 3000 })));
    const tallies = [];
    let routedTo: 'one' | 'two' = 'one';

    // Figures.
    const restartToReadyMs: number[] = [];
    const readyToProbesAckedMs: number[] = [];
    const readyToAllAckedMs: number[] = [];
    const firstPushAfterReadyMs: number[] = [];
    /** grpc-js-xds clients listed on the new process when the probes were all back. */
    const callersBack: number[] = [];
    /** round:moment[:route-moved]:failures:first failure, for rounds where RPCs failed. */
    const failedRounds: string[] = [];
    const partialFirstPushes: string[] = [];
    const wrongFirstVersions: string[] = [];
    const spuriousVersionChanges: string[] = [];
    const resentUnchanged: string[] = [];
    const readyBeforeSynced: string[] = [];
    const notReadyAfterPush: string[] = [];
    const readyFlaps: string[] = [];
    let unchangedComparisons = 0;
    const kills = reliabilitySettings.controlPlaneKills;

    async function waitInSync(want: Expected, timeoutMs: number): Promise<void> {
      await Promise.all(
        sotw.flatMap((probe) =>
          [LDS, CDS].map((type) => probe.holds(type, want.versions.get(type) ?? '', timeoutMs)),
        ),
      );
      for (const type of [LDS, CDS]) {
        await eventually(
          `the fresh Delta probe to hold every ${type}`,
          async () =>
            [...(deltaFresh.state.get(type)?.keys() ?? [])].sort().join() ===
            want.names.get(type)?.join(),
          timeoutMs,
          20,
        );
        await deltaResume.holds(type, deltaFresh.state.get(type) ?? new Map(), timeoutMs);
      }
    }

    for (let round = 0; round < kills; round++) {
      const moment: Moment = MOMENTS[round % MOMENTS.length]!;
      tallies.push(...loops.map((l) => l.reset()));
      // Held before the kill: what each data plane runs.
      let killWhen: Promise<unknown> = Promise.resolve();
      let routeMoved = false;
      if (moment !== 'steady') {
        const change: Record<string, unknown>[] = serviceSet(`kill-${round}`, one.port);
        // Every other change also moves the grpc-js-xds clients' route.
        if (round % 2 === 0) {
          routedTo = routedTo === 'one' ? 'two' : 'one';
          change.push(echoRoute(routedTo));
          routeMoved = true;
        }
        const beforeCds = sotw[0]!.held.get(CDS)?.version;
        const answer = await stack.client().apply(change);
        lastRevision = Number(answer.resourceVersion);
        if (moment === 'delayed')
          killWhen = new Promise((resolve) => setTimeout(resolve, 20 + ((round * 37) % 180)));
        else if (moment === 'first-response')
          killWhen = eventually(
            'a probe to receive the change',
            async () => sotw.some((p) => p.held.get(CDS)?.version !== beforeCds),
            5000,
            5,
          ).catch(() => undefined);
        else if (moment === 'traced') killWhen = cp.child.waitForRound(lastRevision, 5000);
      }
      await killWhen;
      const held = sotw.map((p) => new Map([LDS, CDS].map((t) => [t, p.held.get(t)?.version])));
      const killedAt = Date.now();
      await cp.child.stop('SIGKILL');
      // /readyz from before the new process exists: refused, then 503, then 200.
      const readyz = pollStatus(`${cp.adminUrl}/readyz`, 20);
      const spawnedAt = Date.now();
      await stack.restartControlPlane(cp, CP_ENV);
      openProbes();
      await eventually(
        '/readyz of the restarted control plane to answer 200',
        async () => readyz.answers.some((a) => a.status === 200) || !cp.child.running,
        60_000,
        10,
      );
      if (!cp.child.running)
        throw new Error(`the control plane exited; see ${cp.child.options.logFile}`);
      const firstReady = readyz.answers.find((a) => a.status === 200)!;
      // Ready means synced: what the snapshots are built from covers the last write.
      const objects = (await (await fetch(`${cp.adminUrl}/debug/objects`)).json()) as {
        revision: number;
      };
      if (objects.revision < lastRevision)
        readyBeforeSynced.push(
          `round ${round}: ready at revision ${objects.revision} < ${lastRevision}`,
        );
      restartToReadyMs.push(firstReady.at - spawnedAt);

      // The first answers of the new process, against a fresh read of the store.
      expected = await expectedConfig();
      const firsts: ReceivedSotw[] = [];
      for (const [i, probe] of sotw.entries())
        for (const type of [LDS, CDS]) {
          const first = await probe.firstResponse(type, FIRST_PUSH_TIMEOUT_MS);
          firsts.push(first);
          const want = expected.names.get(type) ?? [];
          if (first.names.join() !== want.join())
            partialFirstPushes.push(
              `round ${round} ${probe.node.id} ${type}: ${first.names.length}/${want.length} ${JSON.stringify(nameDifferences(first.names, want))}`,
            );
          if (first.version !== expected.versions.get(type))
            wrongFirstVersions.push(`round ${round} ${probe.node.id} ${type}: ${first.version}`);
          const before = held[i]!.get(type);
          if (before === expected.versions.get(type)) {
            unchangedComparisons++;
            if (first.version !== before)
              spuriousVersionChanges.push(
                `round ${round} ${probe.node.id} ${type}: ${before} -> ${first.version}`,
              );
          }
        }
      for (const type of [LDS, CDS]) {
        const first = await deltaFresh.firstResponse(type, FIRST_PUSH_TIMEOUT_MS);
        const names = [...first.resources.keys()].sort();
        const want = expected.names.get(type) ?? [];
        if (names.join() !== want.join())
          partialFirstPushes.push(
            `round ${round} delta-fresh ${type}: ${names.length}/${want.length} ${JSON.stringify(nameDifferences(names, want))}`,
          );
        await deltaResume.firstResponse(type, FIRST_PUSH_TIMEOUT_MS);
      }
      await waitInSync(expected, FIRST_PUSH_TIMEOUT_MS);
      // The raw probes reconnect at once and ACK what they get on arrival.
      readyToProbesAckedMs.push(Date.now() - firstReady.at);
      for (const response of deltaResume.responses())
        if (response.resentUnchanged.length > 0)
          resentUnchanged.push(
            `round ${round} ${response.typeUrl}: ${response.resentUnchanged.length} (${response.resentUnchanged.slice(0, 3).join(', ')})`,
          );
      const firstPushAt = Math.min(
        ...firsts.map((f) => f.at),
        ...probes.flatMap((p) => p.responses().map((r) => r.at)),
      );
      firstPushAfterReadyMs.push(firstPushAt - firstReady.at);

      // The raw probes (they reconnect at once, as Envoy does) are listed as ACKed on
      // the new process. The grpc-js-xds clients are not waited for: grpc-js-xds 1.14.1
      // never resets its ADS stream backoff (XdsSingleServerClient.onAdsStreamReceivedMessage
      // is never called), so its k-th reconnect waits about 1.6^k s, up to 120 s; they
      // keep serving their last config meanwhile, which is what the RPC count checks.
      const instance = instanceOf(cp);
      await eventually(
        'every raw probe to be listed as ACKed on the restarted control plane',
        async () => probesAcked(await stack.client().proxies(), instance, expected),
        30_000,
        50,
      );
      readyToAllAckedMs.push(Date.now() - firstReady.at);
      callersBack.push(
        (await stack.client().proxies()).filter(
          (p) => p.instance === instance && p.service === CALLER,
        ).length,
      );
      await readyz.stop();
      const sawReady = readyz.answers.findIndex((a) => a.status === 200);
      const afterReady = readyz.answers.slice(sawReady).filter((a) => a.status !== 200);
      if (afterReady.length > 0)
        readyFlaps.push(`round ${round}: ${afterReady.map((a) => a.status).join(',')}`);
      const lastNotReady = readyz.answers.slice(0, sawReady).at(-1);
      if (lastNotReady !== undefined && lastNotReady.at > firstPushAt)
        notReadyAfterPush.push(
          `round ${round}: not ready at +${lastNotReady.at - firstPushAt} ms after the first push`,
        );
      const roundFailures = loops.reduce((n, l) => n + l.tally.failures, 0);
      if (roundFailures > 0)
        failedRounds.push(
          `${round}:${moment}${routeMoved ? ':route-moved' : ''}:${roundFailures}:${loops
            .flatMap((l) => l.tally.failureDetails)
            .slice(0, 1)
            .join('')}`,
        );
      log.info(
        {
          round,
          moment,
          routeMoved,
          roundFailures,
          killToReadyMs: firstReady.at - killedAt,
          readyToProbesAckedMs: readyToProbesAckedMs.at(-1),
          readyToAllAckedMs: readyToAllAckedMs.at(-1),
          notReadyAnswers: sawReady,
        },
        'control plane killed and back',
      );
    }
    // The last change before the last kill is served by the last process: a new
    // grpc-js-xds client (fresh backoff) is routed by it.
    const fresh = await stack.xdsClient(`xds:///echo.${NS}:${PORT}`, { as: CALLER });
    const finalBackend = routedTo;
    const freshRoutedMs = await eventually(
      `a new grpc-js-xds client to be routed to echo-${finalBackend}`,
      async () => (await fresh.call({ deadlineMs: 1000 })).backend === finalBackend,
      30_000,
    );
    tallies.push(...loops.map((l) => l.reset()));
    await Promise.all(loops.map((l) => l.stop()));
    await Promise.all(probes.map((p) => p.close()));
    const rpcs = sumTallies(tallies);

    const figures = {
      services: SERVICES,
      listeners: expected.names.get(LDS)?.length ?? 0,
      clusters: expected.names.get(CDS)?.length ?? 0,
      kills,
      rpcs: rpcs.calls,
      failedRpcs: rpcs.failures,
      failedRpcRounds: failedRounds.join(' | ').slice(0, 600),
      restartToReadyP50Ms: percentile(restartToReadyMs, 50),
      restartToReadyMaxMs: Math.max(...restartToReadyMs),
      readyToProbesAckedP50Ms: percentile(readyToProbesAckedMs, 50),
      readyToProbesAckedMaxMs: Math.max(...readyToProbesAckedMs),
      readyToAllAckedP50Ms: percentile(readyToAllAckedMs, 50),
      readyToAllAckedMaxMs: Math.max(...readyToAllAckedMs),
      firstPushAfterReadyMinMs: Math.min(...firstPushAfterReadyMs),
      firstPushAfterReadyMaxMs: Math.max(...firstPushAfterReadyMs),
      grpcClientsBackByProbesAckedFirst5: callersBack.slice(0, 5).join(','),
      grpcClientsBackByProbesAckedLast5: callersBack.slice(-5).join(','),
      freshClientRoutedAfterLastKillMs: freshRoutedMs,
      partialFirstPushes: partialFirstPushes.length,
      wrongFirstVersions: wrongFirstVersions.length,
      unchangedComparisons,
      versionChangesWithUnchangedStore: spuriousVersionChanges.length,
      deltaResentUnchanged: resentUnchanged.length,
      readyBeforeSynced: readyBeforeSynced.length,
      notReadyAfterFirstPush: notReadyAfterPush.length,
      readyFlaps: readyFlaps.length,
    };
    reportFigures(SCENARIO, figures);

    expect(rpcs.failureDetails).toEqual([]);
    expect(rpcs.failures).toBe(0);
    expect(rpcs.calls).toBeGreaterThan(kills * 10);
    expect(partialFirstPushes).toEqual([]);
    expect(wrongFirstVersions).toEqual([]);
    // The steady rounds alone compare 4 versions each: the check did run.
    expect(unchangedComparisons).toBeGreaterThanOrEqual(4 * Math.floor(kills / MOMENTS.length));
    expect(spuriousVersionChanges).toEqual([]);
    expect(resentUnchanged).toEqual([]);
    expect(readyBeforeSynced).toEqual([]);
    expect(notReadyAfterPush).toEqual([]);
    expect(readyFlaps).toEqual([]);
  });
});

/** Every raw probe is listed on `instance` with LDS and CDS ACKed, the SotW ones at the preview's versions. */
function probesAcked(proxies: ProxyInfo[], instance: string, expected: Expected): boolean {
  const probes = proxies.filter(
    (p) => p.instance === instance && p.id.startsWith(`${SCENARIO}-`) && p.role === 'sidecar',
  );
  if (probes.length !== 4) return false;
  return probes.every((p) =>
    p.id.includes('-sotw-')
      ? p.versions.listeners === expected.versions.get(LDS) &&
        p.versions.clusters === expected.versions.get(CDS)
      : p.versions.listeners !== '' && p.versions.clusters !== '',
  );
}
