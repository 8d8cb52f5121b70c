// The markdown report: a row per figure (value, target from issue 8, met?), each
// change latency also as a ratio to its floor (etcd put->watch + grpc push to N).
import type { BenchResults, ChangeSummary, Floors, WorkloadResult } from './results';

export interface Row {
  figure: string;
  value: string;
  target: string;
  /** undefined: no target for this figure. */
  met?: boolean;
}

function ms(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a';
}

function bytes(value: number): string {
  return Number.isFinite(value) ? `${Math.round(value)} B` : 'n/a';
}

function ratio(value: number, floor: number | undefined): string {
  if (floor === undefined || !Number.isFinite(value) || !(floor > 0)) return '';
  return ` (${(value / floor).toFixed(1)}x floor)`;
}

/** Latency floor of a change: etcd put->watch plus a grpc push to the fleet. */
export function changeFloor(floors: Floors): { p50: number; p99: number } | undefined {
  if (floors.etcd === undefined || floors.grpcPush === undefined) return undefined;
  return {
    p50: floors.etcd.p50 + floors.grpcPush.p50,
    p99: floors.etcd.p99 + floors.grpcPush.p99,
  };
}

const CHANGE_TARGETS: Record<string, { p99: number; label: string } | undefined> = {
  endpoint: { p99: 250, label: 'p99 <= 250 ms' },
  route: { p99: 3000, label: 'p99 <= 3 s (to all 5k sidecars, M)' },
  'edge-route': { p99: 200, label: 'p99 <= 200 ms' },
};

function changeRows(name: string, kind: string, c: ChangeSummary, floors: Floors): Row[] {
  const floor = changeFloor(floors);
  const target = CHANGE_TARGETS[kind];
  const b = c.breakdown;
  const rows: Row[] = [
    {
      figure: `${name}: ${kind} change -> last ACK (p50 / p99, n=${c.latency.samples})`,
      value: `${ms(c.latency.p50)}${ratio(c.latency.p50, floor?.p50)} / ${ms(c.latency.p99)}${ratio(c.latency.p99, floor?.p99)}`,
      target: target?.label ?? '',
      ...(target === undefined ? {} : { met: c.latency.p99 <= target.p99 }),
    },
    {
      figure: `${name}: ${kind} breakdown p50 (API / store+watch / debounce / translation / send / ACK)`,
      value: [b.api, b.storeWatch, b.debounce, b.translation, b.send, b.ack]
        .map((v) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a'))
        .join(' / '),
      target: '',
    },
    {
      figure: `${name}: ${kind} bytes per affected proxy (affected ${c.affected}, missed ${c.missed}) / to unaffected`,
      value: `${Math.round(c.bytesPerAffected)} B (SotW ${bytes(c.bytesPerAffectedSotw)}, Delta ${bytes(c.bytesPerAffectedDelta)}) / ${c.bytesToUnaffected} B`,
      target: kind === 'endpoint' ? '<= 1 KB / 0 B' : '- / 0 B',
      met:
        c.bytesToUnaffected === 0 &&
        (kind !== 'endpoint' || c.bytesPerAffected <= 1024) &&
        c.missed === 0,
    },
  ];
  return rows;
}

export function workloadRows(w: WorkloadResult, floors: Floors): Row[] {
  const name = w.workload;
  const rows: Row[] = [
    {
      figure: `${name}: seed ${w.seed.objects} objects through the API`,
      value: ms(w.seed.ms),
      target: '',
    },
    {
      figure: `${name}: cold full translation (first round after start: translation / start->built)`,
      value: `${ms(w.coldTranslation.translationMs)} / ${ms(w.coldTranslation.startToBuiltMs)}`,
      target: name.startsWith('M') ? '<= 1 s' : '',
      ...(name.startsWith('M') ? { met: w.coldTranslation.startToBuiltMs <= 1000 } : {}),
    },
    {
      figure: `${name}: initial sync of ${w.initialSync.proxies} proxies (connect -> all ACKed)`,
      value: `${ms(w.initialSync.ms)} (${w.initialSync.synced} synced)`,
      target: '',
      met: w.initialSync.synced === w.initialSync.proxies,
    },
  ];
  for (const [kind, c] of Object.entries(w.changes))
    rows.push(...changeRows(name, kind, c, floors));
  if (w.churn)
    rows.push({
      figure: `${name}: churn ${w.churn.rate}/s for ${w.churn.seconds} s (${w.churn.changes} changes) -> last ACK p50 / p99`,
      value: `${ms(w.churn.latency.p50)} / ${ms(w.churn.latency.p99)}`,
      target: '',
    });
  if (w.memory)
    rows.push({
      figure: `${name}: control-plane memory per connected proxy (RSS ${w.memory.rssBeforeMb} -> ${w.memory.rssAfterMb} MB${w.memory.heapAfterMb === undefined ? '' : `, heap ${w.memory.heapBeforeMb} -> ${w.memory.heapAfterMb} MB`}; ${w.memory.source})`,
      value: `${w.memory.perProxyKb.toFixed(1)} KB RSS${w.memory.heapPerProxyKb === undefined ? '' : ` / ${w.memory.heapPerProxyKb.toFixed(1)} KB heap`}`,
      target: '<= 150 KB',
      met: w.memory.perProxyKb <= 150,
    });
  if (w.apiWrites)
    rows.push({
      figure: `${name}: API writes through to etcd while pushing (${w.apiWrites.concurrency} concurrent, p50 / p99)`,
      value: `${Math.round(w.apiWrites.perSecond)}/s at ${ms(w.apiWrites.latency.p50)} / ${ms(w.apiWrites.latency.p99)}${ratio(w.apiWrites.latency.p99, floors.etcd?.p99)}`,
      target: '>= 2000/s at p99 <= 50 ms',
      met: w.apiWrites.perSecond >= 2000 && w.apiWrites.latency.p99 <= 50,
    });
  if (w.reconnectStorm)
    rows.push({
      figure: `${name}: reconnect storm of every proxy -> all ACKed`,
      value: `${ms(w.reconnectStorm.ms)} (${w.reconnectStorm.synced} synced)`,
      target: '',
    });
  if (w.restart)
    rows.push({
      figure: `${name}: control-plane restart -> all ACKed again (from SIGTERM: stopped / listening / first build)`,
      value:
        `${ms(w.restart.ms)} (${w.restart.synced} synced; ` +
        `${ms(w.restart.stopMs ?? Number.NaN)} / ${ms(w.restart.listeningMs ?? Number.NaN)} / ${ms(w.restart.builtMs ?? Number.NaN)})`,
      target: '',
    });
  for (const error of w.errors)
    rows.push({ figure: `${name}: phase failed`, value: error, target: '', met: false });
  const p = w.problems;
  rows.push({
    figure: `${name}: proxy problems (NACK / missing reference / stream error)`,
    value: `${p.nack} / ${p.missingReference} / ${p.streamError}`,
    target: '0 / 0 / 0 (stream errors expected at restart)',
    met: p.nack === 0 && p.missingReference === 0,
  });
  return rows;
}

export function floorRows(floors: Floors): Row[] {
  const rows: Row[] = [];
  if (floors.etcd)
    rows.push({
      figure: `floor: etcd put -> watch event (n=${floors.etcd.samples}, p50 / p99)`,
      value: `${ms(floors.etcd.p50)} / ${ms(floors.etcd.p99)}`,
      target: '',
    });
  if (floors.grpcPush)
    rows.push({
      figure: `floor: grpc-js push to ${floors.grpcPush.streams} streams -> last answer (p50 / p99)`,
      value: `${ms(floors.grpcPush.p50)} / ${ms(floors.grpcPush.p99)}`,
      target: '',
    });
  for (const error of floors.errors)
    rows.push({ figure: 'floor: not measured', value: error, target: '' });
  return rows;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderTable(rows: readonly Row[]): string {
  const lines = ['| figure | value | target | met? |', '| --- | --- | --- | --- |'];
  for (const r of rows) {
    const met = r.met === undefined ? '' : r.met ? 'yes' : '**no**';
    lines.push(`| ${cell(r.figure)} | ${cell(r.value)} | ${cell(r.target)} | ${met} |`);
  }
  return lines.join('\n') + '\n';
}

export function renderReport(results: BenchResults): string {
  const rows = [
    ...floorRows(results.floors),
    ...results.workloads.flatMap((w) => workloadRows(w, results.floors)),
  ];
  return [
    `# Crossway benchmark ${results.startedAt}${results.quick ? ' (quick)' : ''}`,
    '',
    `${results.machine.cpus} CPUs, Node ${results.machine.node}; finished ${results.finishedAt}.`,
    'Ratios divide a latency by its floor (etcd put->watch + grpc push to the fleet, same percentile).',
    '',
    renderTable(rows),
  ].join('\n');
}
