// The markdown report: a row per figure with value, target and whether it was met,
// latencies as ratios to the floor, and cells that cannot break the table.
import { describe, expect, it } from 'vitest';
import { changeFloor, renderReport, renderTable, workloadRows } from '../src/run/report';
import type { BenchResults, WorkloadResult } from '../src/run/results';

const summary = (p50: number, p99: number) => ({ p50, p99, max: p99, samples: 10 });
const change = (p99: number, bytes = 500, unaffected = 0) => ({
  latency: summary(p99 / 2, p99),
  breakdown: { api: 5, storeWatch: 1, debounce: 100, translation: 20, send: 3, ack: 2 },
  bytesPerAffected: bytes,
  bytesPerAffectedSotw: bytes * 2,
  bytesPerAffectedDelta: Number.NaN,
  bytesToUnaffected: unaffected,
  affected: 30,
  missed: 0,
});

const workload: WorkloadResult = {
  workload: 'M',
  services: 10_000,
  sidecars: 5000,
  edges: 10,
  seed: { objects: 70_000, ms: 30_000 },
  coldTranslation: { startToBuiltMs: 1500, translationMs: 700, revision: 5 },
  initialSync: { ms: 9000, proxies: 5010, synced: 5010 },
  changes: { endpoint: change(200), 'edge-route': change(300, 2000, 12) },
  memory: { rssBeforeMb: 200, rssAfterMb: 700, perProxyKb: 102.2, source: 'metrics' },
  apiWrites: { concurrency: 16, seconds: 5, perSecond: 800, latency: summary(10, 40), errors: 0 },
  errors: [],
  problems: { nack: 0, missingReference: 0, streamError: 3, samples: [] },
};
const floors = {
  etcd: { p50: 1, p99: 4, samples: 100 },
  grpcPush: { p50: 9, p99: 16, streams: 5010 },
  errors: [],
};

describe('run report', () => {
  it('adds the etcd and grpc floors for a change', () => {
    expect(changeFloor(floors)).toEqual({ p50: 10, p99: 20 });
    expect(changeFloor({ errors: [] })).toBeUndefined();
  });

  it('marks each target met or missed', () => {
    const rows = workloadRows(workload, floors);
    const find = (text: string) => rows.find((r) => r.figure.includes(text));
    expect(find('cold full translation')?.met).toBe(false);
    expect(find('endpoint change -> last ACK')?.met).toBe(true);
    expect(find('endpoint change -> last ACK')?.value).toContain('10.0x floor');
    expect(find('edge-route change -> last ACK')?.met).toBe(false);
    expect(find('edge-route bytes')?.met).toBe(false);
    expect(find('endpoint bytes')?.met).toBe(true);
    expect(find('endpoint bytes')?.value).toBe('500 B (SotW 1000 B, Delta n/a) / 0 B');
    expect(find('memory per connected proxy')?.met).toBe(true);
    expect(find('API writes')?.met).toBe(false);
  });

  it('renders a markdown table with escaped cells', () => {
    const table = renderTable([
      { figure: 'a | b', value: '1 ms', target: '<= 2 ms', met: true },
      { figure: 'c', value: '3', target: '', met: false },
      { figure: 'd', value: '4', target: '' },
    ]);
    expect(table.split('\n')).toEqual([
      '| figure | value | target | met? |',
      '| --- | --- | --- | --- |',
      '| a \\| b | 1 ms | <= 2 ms | yes |',
      '| c | 3 |  | **no** |',
      '| d | 4 |  |  |',
      '',
    ]);
  });

  it('renders the whole report with floors first', () => {
    const results: BenchResults = {
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:10:00Z',
      quick: false,
      machine: { cpus: 2, node: 'v20' },
      floors,
      workloads: [workload],
    };
    const report = renderReport(results);
    expect(report).toContain('# Crossway benchmark');
    expect(report.indexOf('floor: etcd')).toBeLessThan(report.indexOf('M: seed'));
  });
});
