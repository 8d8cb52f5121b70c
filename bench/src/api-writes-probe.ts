// Probe: API writes/s with the API and etcd alone (no control plane, no fleet).
// Starts etcd and the API process (CPU profile in /tmp/probe-prof), seeds the quick
// workload, then runs the bench's own apiWrites (PUT of a Workload) with 1, 4, 16 and
// 64 concurrent writers for 4 s each. Besides writes/s and latency it reports how
// many writes each etcd revision carried (group commit at work: > 1 means batched)
// and the CPU the probe's own HTTP client used, since all three processes share the
// machine's cores. Run: npx tsx --tsconfig tsconfig.base.json bench/src/api-writes-probe.ts
import { readdirSync, readFileSync } from 'node:fs';
import pino from 'pino';
import { EtcdStore } from '@crossway/store';
import { startEtcd } from '@crossway/testing';
import { Stack } from './run/stack';
import { workload, seedObjects } from './run/workloads';
import { apiWrites } from './run/measure-changes';

/** CPU ms used so far by each direct child of this process (API, etcd), by command. */
function childCpuMs(): Map<string, number> {
  const result = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const command = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      if (Number(fields[1]) !== process.pid) continue;
      const ticks = Number(fields[11]) + Number(fields[12]);
      result.set(command, (result.get(command) ?? 0) + ticks * 10);
    } catch {
      // The process ended while we looked.
    }
  }
  return result;
}

const log = pino({ level: 'info' });
const etcd = await startEtcd();
const w = workload('quick');
const stack = new Stack({
  etcdEndpoint: etcd.endpoint,
  label: 'probe',
  logDir: '/tmp/probe-logs',
  log,
  cpuProfDir: '/tmp/probe-prof',
});
await stack.startApi();
await stack.api.applyChunked(seedObjects(w), 2000, () => undefined);
const revisions = new EtcdStore({ endpoints: etcd.endpoint });
const levels = (process.env['PROBE_CONCURRENCY'] ?? '1,4,16,64').split(',').map(Number);
for (const concurrency of levels) {
  const before = await revisions.revision();
  const cpu = process.cpuUsage();
  const children = childCpuMs();
  const r = await apiWrites(w, stack.api, concurrency, 4);
  const used = process.cpuUsage(cpu);
  const childrenAfter = childCpuMs();
  const commits = (await revisions.revision()) - before;
  const writes = Math.round(r.perSecond * 4);
  log.info(
    {
      concurrency,
      perSecond: Math.round(r.perSecond),
      p50: r.latency.p50,
      p99: r.latency.p99,
      errors: r.errors,
      writesPerCommit: Number((writes / Math.max(1, commits)).toFixed(1)),
      cpuMsPerWrite: {
        client: Number(((used.user + used.system) / 1000 / writes).toFixed(2)),
        ...Object.fromEntries(
          [...childrenAfter].map(([command, ms]) => [
            command,
            Number(((ms - (children.get(command) ?? 0)) / writes).toFixed(2)),
          ]),
        ),
      },
    },
    'writes',
  );
}
await revisions.close();
await stack.apiChild.stop?.();
await etcd.stop();
process.exit(0);
