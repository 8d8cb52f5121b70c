// One workload end to end: API up, seed, tokens, control plane cold start, fleet
// connect and initial sync, memory per proxy, each change type, churn, API writes
// while pushing, a reconnect storm and a control-plane restart. Logs each phase.
import type { Logger } from 'pino';
import { CDS, LDS, type SimulatedProxy } from '../dataplane/index';
import { nowMs, pool } from './api-client';
import { CHANGE_KINDS, planChange } from './changes';
import { sampleMemory } from './cp-memory';
import { FleetRecorder } from './fleet-recorder';
import { apiWrites, churn, summarizeChanges, timeSingleChange } from './measure-changes';
import type { ChangeSummary, WorkloadResult } from './results';
import { round } from './stats';
import { Stack } from './stack';
import { edgeId, GATEWAY, seedObjects, serviceRef, sidecarId, type Workload } from './workloads';

export interface RunOptions {
  etcdEndpoint: string;
  log: Logger;
  quick: boolean;
  logDir: string;
  cpuProfDir?: string;
  runId: string;
  /** Repetitions of each single change (default 10, 3 when quick). */
  samples?: number;
}

async function proxiesFor(w: Workload, stack: Stack, log: Logger): Promise<SimulatedProxy[]> {
  const edgeToken = await stack.api.dataPlaneToken('edge', GATEWAY);
  const proxies: SimulatedProxy[] = [];
  for (let e = 0; e < w.edges; e += 1)
    proxies.push({
      id: edgeId(e),
      role: 'edge',
      gateway: GATEWAY,
      token: edgeToken,
      protocol: e % 2 === 0 ? 'sotw' : 'delta',
    });
  let done = 0;
  const sidecars = await pool(
    Array.from({ length: w.sidecars }, (_, i) => i),
    8,
    async (i): Promise<SimulatedProxy> => {
      const service = serviceRef(i, w);
      const token = await stack.api.dataPlaneToken('sidecar', service);
      done += 1;
      if (done % 1000 === 0) log.info({ tokens: done, of: w.sidecars }, 'issuing tokens');
      return {
        id: sidecarId(i),
        role: 'sidecar',
        service,
        token,
        protocol: i % 2 === 0 ? 'sotw' : 'delta',
      };
    },
  );
  return [...proxies, ...sidecars];
}

export async function runWorkload(w: Workload, options: RunOptions): Promise<WorkloadResult> {
  const log = options.log.child({ workload: w.name });
  const stack = new Stack({
    etcdEndpoint: options.etcdEndpoint,
    label: `${options.runId}-${w.name}`,
    logDir: options.logDir,
    log,
    ...(options.cpuProfDir === undefined ? {} : { cpuProfDir: options.cpuProfDir }),
  });
  let fleet: FleetRecorder | undefined;
  try {
    log.info('phase: start API');
    await stack.startApi();

    log.info('phase: seed');
    const objects = seedObjects(w);
    const seedStart = nowMs();
    await stack.api.applyChunked(objects, 2000, (written, total) =>
      log.info({ written, total }, 'seeding'),
    );
    const seed = { objects: objects.length, ms: round(nowMs() - seedStart) };
    log.info(seed, 'seeded');

    log.info('phase: data-plane tokens');
    const proxies = await proxiesFor(w, stack, log);

    log.info('phase: control plane cold start');
    const controlPlane = await stack.startControlPlane();
    const first = await controlPlane.waitForRound(0, 120_000);
    const coldTranslation = first
      ? {
          startToBuiltMs: round(first.builtAt - controlPlane.startedAt),
          translationMs: round(first.builtAt - first.debouncedAt),
          revision: first.revision,
        }
      : { startToBuiltMs: Number.NaN, translationMs: Number.NaN, revision: 0 };
    log.info({ coldTranslation, round: first }, 'cold translation');
    await new Promise((r) => setTimeout(r, 1000));
    const before = await sampleMemory(controlPlane, stack.metricsPort);

    log.info({ proxies: proxies.length }, 'phase: connect fleet');
    fleet = await FleetRecorder.start(proxies);
    const connectStart = nowMs();
    await fleet.connect(stack.xdsAddress);
    log.info({ ms: round(nowMs() - connectStart) }, 'streams open');
    const sync = await fleet.waitInitialSync(
      connectStart,
      [CDS, LDS],
      1000,
      300_000,
      (synced, total) => log.info({ synced, total }, 'initial sync'),
    );
    const initialSync = { ms: round(sync.ms), proxies: sync.total, synced: sync.synced };
    log.info(initialSync, 'initial sync done');
    await new Promise((r) => setTimeout(r, 1000));
    const after = await sampleMemory(controlPlane, stack.metricsPort);
    const perProxy = (b: number, a: number) => round(((a - b) * 1024) / proxies.length);
    const memory = {
      rssBeforeMb: round(before.rssMb),
      rssAfterMb: round(after.rssMb),
      perProxyKb: perProxy(before.rssMb, after.rssMb),
      ...(before.heapUsedMb !== undefined && after.heapUsedMb !== undefined
        ? {
            heapBeforeMb: round(before.heapUsedMb),
            heapAfterMb: round(after.heapUsedMb),
            heapPerProxyKb: perProxy(before.heapUsedMb, after.heapUsedMb),
          }
        : {}),
      source: after.source,
    };
    log.info(memory, 'memory per proxy');

    // From here on a failing phase is recorded and the next one still runs.
    const errors: string[] = [];
    const attempt = async <T>(phase: string, run: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await run();
      } catch (error) {
        log.error({ err: error, phase }, 'phase failed');
        errors.push(`${phase}: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    };
    const live = fleet;
    const tag = Date.now().toString(36);

    const reps = options.samples ?? (options.quick ? 3 : 10);
    const changes: Record<string, ChangeSummary> = {};
    for (const kind of CHANGE_KINDS) {
      log.info({ kind, reps }, 'phase: change');
      const figures = await attempt(`${kind} change`, async () => {
        const list = [];
        for (let k = 0; k < reps; k += 1) {
          const f = await timeSingleChange(
            stack.api,
            controlPlane,
            live,
            planChange(w, kind, k, tag),
          );
          log.info(f, `${kind} change`);
          list.push(f);
        }
        return list;
      });
      if (figures !== undefined) changes[kind] = summarizeChanges(figures);
    }

    const seconds = options.quick ? 3 : 10;
    log.info({ rate: 30, seconds }, 'phase: churn');
    const churned = await attempt('churn', () =>
      churn(w, stack.api, controlPlane, live, 30, seconds, log),
    );
    log.info(churned ?? {}, 'churn done');

    const concurrency = 16;
    const writeSeconds = options.quick ? 2 : 5;
    log.info({ concurrency, seconds: writeSeconds }, 'phase: API writes while pushing');
    const writes = await attempt('API writes', () =>
      apiWrites(w, stack.api, concurrency, writeSeconds),
    );
    log.info(writes ?? {}, 'API writes done');

    log.info('phase: reconnect storm');
    const storm = await attempt('reconnect storm', async () => {
      await live.waitQuiet(500, 30_000);
      const stormStart = nowMs();
      await live.reconnect(stack.xdsAddress);
      return live.waitResync(stormStart, 120_000, (synced, total) =>
        log.info({ synced, total }, 'reconnect storm'),
      );
    });
    log.info(storm ?? {}, 'reconnect storm done');

    log.info('phase: control-plane restart');
    const restarted = await attempt('control-plane restart', async () => {
      await live.waitQuiet(500, 30_000);
      const restartStart = nowMs();
      await stack.controlPlane?.stop('SIGTERM');
      const stoppedAt = nowMs();
      const child = await stack.startControlPlane();
      const listeningAt = nowMs();
      const [first, resync] = await Promise.all([
        child.waitForRound(0, 120_000),
        live.waitResync(restartStart, 120_000, (synced, total) =>
          log.info({ synced, total }, 'restart resync'),
        ),
      ]);
      return {
        ...resync,
        stopMs: stoppedAt - restartStart,
        listeningMs: listeningAt - restartStart,
        builtMs: first ? first.builtAt - restartStart : Number.NaN,
      };
    });
    log.info(restarted ?? {}, 'restart done');

    const problems = fleet.problems;
    return {
      workload: w.name,
      services: w.model.services,
      sidecars: w.sidecars,
      edges: w.edges,
      seed,
      coldTranslation,
      initialSync,
      changes,
      ...(churned && {
        churn: { rate: 30, seconds, changes: churned.changes, latency: churned.latency },
      }),
      ...(storm && { reconnectStorm: { ms: round(storm.ms), synced: storm.synced } }),
      ...(restarted && {
        restart: {
          ms: round(restarted.ms),
          synced: restarted.synced,
          stopMs: round(restarted.stopMs),
          listeningMs: round(restarted.listeningMs),
          builtMs: round(restarted.builtMs),
        },
      }),
      memory,
      ...(writes && {
        apiWrites: {
          concurrency,
          seconds: writeSeconds,
          perSecond: round(writes.perSecond),
          latency: writes.latency,
          errors: writes.errors,
        },
      }),
      errors,
      problems: {
        nack: problems.filter((p) => p.kind === 'nack').length,
        missingReference: problems.filter((p) => p.kind === 'missing-reference').length,
        streamError: problems.filter((p) => p.kind === 'stream-error').length,
        samples: problems
          .filter((p) => p.kind !== 'stream-error')
          .slice(0, 5)
          .map((p) => `${p.proxyId} ${p.kind} ${p.typeUrl ?? ''}: ${p.message}`),
      },
    };
  } finally {
    await fleet?.stop();
    await stack.stop();
  }
}
