// Timed changes against a running stack and fleet: each single change is written
// with the fleet quiet, its trace round awaited, then the ACKs until the fleet is
// quiet again are its figures; churn writes at a fixed rate without waiting.
import type { Logger } from 'pino';
import type { ApiClient, Timed } from './api-client';
import { nowMs } from './api-client';
import {
  acksByProxy,
  changeFigures,
  overlappingChangeLatency,
  type ChangeFigures,
  type ChangeRecord,
} from './breakdown';
import { endpointChange, type PlannedChange } from './changes';
import type { CrosswayChild } from './child';
import type { FleetRecorder } from './fleet-recorder';
import type { ChangeSummary } from './results';
import { percentile, round, summarize, type Summary } from './stats';
import { roundFor } from './trace';
import type { Workload } from './workloads';

export function write(api: ApiClient, change: PlannedChange): Promise<Timed<unknown>> {
  return 'replace' in change.write
    ? api.replace(change.write.replace)
    : api.apply(change.write.apply);
}

function record(change: PlannedChange, timed: Timed<unknown>): ChangeRecord {
  return {
    kind: change.kind,
    startedAt: timed.startedAt,
    answeredAt: timed.answeredAt,
    revision: timed.revision,
    expected: change.may,
    must: change.must,
  };
}

/** One change, alone: quiet fleet, write, its round, ACKs until quiet again. */
export async function timeSingleChange(
  api: ApiClient,
  controlPlane: CrosswayChild,
  fleet: FleetRecorder,
  change: PlannedChange,
): Promise<ChangeFigures> {
  await fleet.waitQuiet(200, 5000);
  const timed = await write(api, change);
  const traced = await controlPlane.waitForRound(timed.revision, 15_000);
  await fleet.waitQuiet(400, 20_000);
  return changeFigures(
    record(change, timed),
    traced,
    fleet.acksSince(timed.startedAt),
    nowMs(),
    (id) => fleet.protocolOf(id),
  );
}

const p50 = (values: number[]): number => round(percentile(values.filter(Number.isFinite), 50));

export function summarizeChanges(figures: readonly ChangeFigures[]): ChangeSummary {
  return {
    latency: summarize(figures.map((f) => f.total).filter(Number.isFinite)),
    breakdown: {
      api: p50(figures.map((f) => f.api)),
      storeWatch: p50(figures.map((f) => f.storeWatch)),
      debounce: p50(figures.map((f) => f.debounce)),
      translation: p50(figures.map((f) => f.translation)),
      send: p50(figures.map((f) => f.send)),
      ack: p50(figures.map((f) => f.ack)),
    },
    bytesPerAffected: p50(figures.map((f) => f.bytesPerAffected)),
    bytesPerAffectedSotw: p50(figures.map((f) => f.bytesPerAffectedSotw)),
    bytesPerAffectedDelta: p50(figures.map((f) => f.bytesPerAffectedDelta)),
    bytesToUnaffected: Math.max(0, ...figures.map((f) => f.bytesToUnaffected)),
    affected: Math.round(p50(figures.map((f) => f.affected))),
    missed: figures.reduce((sum, f) => sum + f.missed, 0),
  };
}

/** Endpoint changes at `rate`/s for `seconds`; each one's latency to its last ACK. */
export async function churn(
  w: Workload,
  api: ApiClient,
  controlPlane: CrosswayChild,
  fleet: FleetRecorder,
  rate: number,
  seconds: number,
  log: Logger,
): Promise<{ changes: number; latency: Summary }> {
  await fleet.waitQuiet(200, 5000);
  const count = Math.round(rate * seconds);
  const start = nowMs();
  const pending: Promise<ChangeRecord | undefined>[] = [];
  for (let i = 0; i < count; i += 1) {
    const due = start + (i * 1000) / rate;
    const wait = due - nowMs();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const change = endpointChange(w, 5000 + i);
    pending.push(
      write(api, change).then(
        (timed) => record(change, timed),
        (error: unknown) => {
          log.warn({ err: error }, 'churn write failed');
          return undefined;
        },
      ),
    );
  }
  const records = (await Promise.all(pending)).filter((r) => r !== undefined);
  const last = Math.max(...records.map((r) => r.revision));
  await controlPlane.waitForRound(last, 15_000);
  await fleet.waitQuiet(500, 30_000);
  const byProxy = acksByProxy(fleet.acksSince(start));
  const latencies = records
    .map((r) => overlappingChangeLatency(r, roundFor(controlPlane.rounds, r.revision), byProxy))
    .filter(Number.isFinite);
  return { changes: records.length, latency: summarize(latencies) };
}

/** `concurrency` writers replacing Workloads for `seconds`: writes/s and latency. */
export async function apiWrites(
  w: Workload,
  api: ApiClient,
  concurrency: number,
  seconds: number,
): Promise<{ perSecond: number; latency: Summary; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const start = nowMs();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (nowMs() < end) {
        next += 1;
        const change = endpointChange(w, 20_000 + next);
        try {
          const timed = await write(api, change);
          latencies.push(timed.answeredAt - timed.startedAt);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  const elapsed = (nowMs() - start) / 1000;
  return { perSecond: latencies.length / elapsed, latency: summarize(latencies), errors };
}
