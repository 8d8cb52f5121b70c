// Two control-plane replicas (A, B) and two API replicas on one etcd, with
// grpc-js-xds clients spread over both control planes (half prefer A then B, half B
// then A). Proves:
// - GET /api/v1/proxies through either API lists the data planes of both instances;
// - a write through API 1, and one through API 2, reaches the clients of both control
//   planes;
// - SIGKILL of the control plane that is the status-writer leader: its data planes
//   reconnect to the other one (listed there within the time reported), no RPC fails,
//   and status writing moves over: an HTTPRoute with a missing backend written after
//   the kill gets ResolvedRefs=False, seen through the API, within 30 s of the kill;
// - the CA has no leader: with API 1 killed, API 2 signs a data plane's CSR, and a
//   write through API 2 still reaches every client.
// @peculiar/x509 needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { webcrypto, X509Certificate } from 'node:crypto';
import { hostname } from 'node:os';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrosswayClient, ProxyInfo } from '@crossway/client';
import {
  callContinuously,
  directStore,
  sumTallies,
  type CallerTally,
  type CallLoop,
} from '../src/etcd-faults';
import { reliabilityLog, reportFigures } from '../src/report';
import {
  eventually,
  manifests as m,
  ReliabilityStack,
  type ApiReplica,
  type ControlPlaneReplica,
} from '../src/stack';

const SCENARIO = 'replicas';
const NS = 'replicas';
const PORT = 50051;
const CALLER = 'reliability/caller';
const CLIENTS_PER_ORDER = 2;
/** The status writer's leader lease is 15 s: a dead leader is replaced well within this. */
const STATUS_FAILOVER_LIMIT_MS = 30_000;
/** The leader record of the status writer (apps/controlplane/src/status). */
const LEADERS_AREA = 'leaders';
const STATUS_WRITER = 'status-writer';

let stack: ReliabilityStack;
/** grpc-js-xds callers, stopped before the stack closes even when the test fails. */
let loops: CallLoop[] = [];
let api1: ApiReplica;
let api2: ApiReplica;
let cpA: ControlPlaneReplica;
let cpB: ControlPlaneReplica;

beforeAll(async () => {
  stack = await ReliabilityStack.start({ name: SCENARIO });
  [api1, api2] = await Promise.all([stack.startApi(), stack.startApi()]);
  [cpA, cpB] = await Promise.all([stack.startControlPlane(), stack.startControlPlane()]);
});

afterAll(async () => {
  // Callers first: a call on a channel the stack has closed throws.
  await Promise.allSettled(loops.map((l) => l.stop()));
  await stack?.close();
});

function echoRoute(backend: string) {
  return m.route(NS, 'echo', { service: 'echo', port: PORT }, [
    { backendRefs: [{ name: `echo-${backend}`, port: PORT }] },
  ]);
}

function instanceOf(replica: ControlPlaneReplica): string {
  return `${hostname()}-${replica.child.pid}`;
}

function apiClient(api: ApiReplica): CrosswayClient {
  return stack.client(stack.adminToken, api);
}

/** The grpc-js-xds callers among the listed proxies. */
async function callers(api: ApiReplica): Promise<ProxyInfo[]> {
  return (await apiClient(api).proxies()).filter(
    (p) => p.role === 'proxyless' && p.service === CALLER,
  );
}

/** A P-256 CSR, as `crossway agent` would send. */
async function makeCsr(): Promise<string> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  x509.cryptoProvider.set(webcrypto);
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=replicas',
    keys,
    signingAlgorithm: alg,
  });
  return request.toString('pem');
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
}

function routeConditions(route: { status?: unknown }): Condition[] {
  const status = route.status as { parents?: { conditions?: Condition[] }[] } | undefined;
  return (status?.parents ?? []).flatMap((p) => p.conditions ?? []);
}

describe('two control-plane and two API replicas', () => {
  it('spreads data planes, fails over data planes and status writing, and keeps serving writes', async () => {
    const log = reliabilityLog.child({ scenario: SCENARIO });
    const [one, two, three] = await Promise.all([
      stack.backend('one'),
      stack.backend('two'),
      stack.backend('three'),
    ]);
    await apiClient(api1).apply([
      m.meshWithoutMtls(),
      m.service('reliability', 'caller', 8080),
      m.service(NS, 'echo', PORT),
      m.service(NS, 'side', PORT),
      ...[
        ['one', one.port],
        ['two', two.port],
        ['three', three.port],
      ].flatMap(([name, port]) => [
        m.service(NS, `echo-${name}`, PORT),
        m.workload(NS, `echo-${name}-1`, `echo-${name}`, Number(port)),
      ]),
      echoRoute('one'),
    ]);
    const aFirst = `ipv4:127.0.0.1:${cpA.xdsPort},127.0.0.1:${cpB.xdsPort}`;
    const bFirst = `ipv4:127.0.0.1:${cpB.xdsPort},127.0.0.1:${cpA.xdsPort}`;
    const clients = await Promise.all(
      [aFirst, bFirst].flatMap((xds) =>
        Array.from({ length: CLIENTS_PER_ORDER }, () =>
          stack.xdsClient(`xds:///echo.${NS}:${PORT}`, { as: CALLER, xds }),
        ),
      ),
    );
    for (const client of clients)
      await eventually(
        'a grpc-js-xds client served by echo-one',
        async () => (await client.call({ deadlineMs: 1000 })).backend === 'one',
        60_000,
      );
    loops = clients.map((client) => callContinuously(() => client.call({ deadlineMs: 3000 })));
    const instanceA = instanceOf(cpA);
    const instanceB = instanceOf(cpB);

    // Both instances, through either API.
    for (const api of [api1, api2])
      await eventually(
        `${api.name} to list ${CLIENTS_PER_ORDER} callers on each control plane`,
        async () => {
          const listed = await callers(api);
          return (
            listed.filter((p) => p.instance === instanceA).length === CLIENTS_PER_ORDER &&
            listed.filter((p) => p.instance === instanceB).length === CLIENTS_PER_ORDER
          );
        },
        20_000,
      );

    // A write through each API reaches the clients of both control planes.
    const tallies: CallerTally[] = [];
    const reachEveryClient = async (api: ApiReplica, backend: string): Promise<number> => {
      // A fresh tally tells when each client first saw the backend; the old one is kept.
      tallies.push(...loops.map((l) => l.reset()));
      const started = Date.now();
      await apiClient(api).apply([echoRoute(backend)]);
      await eventually(
        `every client (both control planes) to be routed to echo-${backend}`,
        async () => loops.every((l) => l.tally.firstSeen.has(backend)),
        30_000,
        20,
      );
      return Math.max(...loops.map((l) => l.tally.firstSeen.get(backend) ?? Date.now())) - started;
    };
    const writeViaApi1ReachedMs = await reachEveryClient(api1, 'two');
    tallies.push(...loops.map((l) => l.reset()));
    const writeViaApi2ReachedMs = await reachEveryClient(api2, 'three');
    tallies.push(...loops.map((l) => l.reset()));
    const beforeKill = sumTallies(tallies.splice(0));

    // Which replica writes status: kill that one.
    const store = directStore(stack);
    const leaders = store.leasedRecords<{ instance: string }>(LEADERS_AREA);
    let leaderBefore = '';
    await eventually(
      'a status-writer leader',
      async () => {
        leaderBefore = (await leaders.get(STATUS_WRITER))?.instance ?? '';
        return leaderBefore === instanceA || leaderBefore === instanceB;
      },
      30_000,
    );
    const [leader, survivor] = leaderBefore === instanceA ? [cpA, cpB] : [cpB, cpA];
    const survivorInstance = instanceOf(survivor);
    log.info({ leader: leader.name, instance: leaderBefore }, 'killing the status-writer leader');

    const killedAt = Date.now();
    await leader.child.stop('SIGKILL');
    // A change that needs a new status, written right after the kill: only a leader writes it.
    await apiClient(api2).apply([
      m.route(NS, 'broken', { service: 'side', port: PORT }, [
        { backendRefs: [{ name: 'missing', port: PORT }] },
      ]),
    ]);
    const writtenAt = Date.now();
    const reconnectedMs = await eventually(
      `every caller to be listed on the survivor ${survivor.name}`,
      async () => {
        const listed = await callers(api1);
        return (
          listed.length === 2 * CLIENTS_PER_ORDER &&
          listed.every((p) => p.instance === survivorInstance)
        );
      },
      60_000,
    ).then(() => Date.now() - killedAt);
    const statusSeenAfterKillMs = await eventually(
      'HTTPRoute broken to report ResolvedRefs=False',
      async () => {
        const route = await apiClient(api1).get('HTTPRoute', 'broken', NS);
        return routeConditions(route).some(
          (c) => c.type === 'ResolvedRefs' && c.status === 'False',
        );
      },
      60_000,
      100,
    ).then(() => Date.now() - killedAt);
    const leaderAfter = (await leaders.get(STATUS_WRITER))?.instance;
    // The change after the kill also reaches every client (all on the survivor now).
    const writeAfterCpKillReachedMs = await reachEveryClient(api2, 'one');
    tallies.push(...loops.map((l) => l.reset()));
    const acrossCpKill = sumTallies(tallies.splice(0));

    // API 1 down: API 2 signs certificates (the CA has no leader) and serves writes.
    await api1.child.stop('SIGKILL');
    const dataPlaneToken = (
      await apiClient(api2).createToken({
        type: 'dataplane',
        role: 'proxyless',
        service: CALLER,
        ttl: '1h',
      })
    ).token;
    const signed = await stack.client(dataPlaneToken, api2).signCertificate(await makeCsr());
    const leaf = new X509Certificate(signed.certificateChain);
    const writeAfterApiKillReachedMs = await reachEveryClient(api2, 'two');
    tallies.push(...loops.map((l) => l.reset()));
    const afterApiKill = sumTallies(tallies.splice(0));
    await Promise.all(loops.map((l) => l.stop()));
    await store.close();

    const figures = {
      controlPlanes: 2,
      apis: 2,
      clients: clients.length,
      writeViaApi1ReachedMs,
      writeViaApi2ReachedMs,
      rpcsBeforeKill: beforeKill.calls,
      failedRpcsBeforeKill: beforeKill.failures,
      killedLeader: leader.name,
      dataPlanesOnSurvivorMs: reconnectedMs,
      statusFailoverMs: statusSeenAfterKillMs,
      statusAfterWriteMs: statusSeenAfterKillMs - (writtenAt - killedAt),
      writeAfterCpKillReachedMs,
      rpcsAcrossCpKill: acrossCpKill.calls,
      failedRpcsAcrossCpKill: acrossCpKill.failures,
      certificateSignedWithApi1Down: signed.spiffeId,
      writeAfterApiKillReachedMs,
      rpcsAfterApiKill: afterApiKill.calls,
      failedRpcsAfterApiKill: afterApiKill.failures,
    };
    reportFigures(SCENARIO, figures);

    expect(beforeKill.failureDetails).toEqual([]);
    expect(acrossCpKill.failureDetails).toEqual([]);
    expect(afterApiKill.failureDetails).toEqual([]);
    expect(acrossCpKill.calls).toBeGreaterThan(100);
    expect(statusSeenAfterKillMs).toBeLessThan(STATUS_FAILOVER_LIMIT_MS);
    expect(leaderAfter).toBe(survivorInstance);
    expect(signed.spiffeId).toMatch(/^spiffe:\/\/[^/]+\/ns\/reliability\/sa\//);
    expect(leaf.subjectAltName).toContain(`URI:${signed.spiffeId}`);
  });
});
