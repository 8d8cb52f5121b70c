// `npm run bench [-- --quick] [--workloads S,M,M-unscoped] [--cpu-prof]`: the
// end-to-end benchmark of issue 8. Starts one etcd, measures the floors, runs each
// workload (./run-workload.ts) and writes bench/results/<date>.json and .md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startEtcd } from '@crossway/testing';
import { measureEtcdFloor, measureGrpcPushFloor } from '../floors/index';
import { parseBenchArgs } from './args';
import { ROOT } from './child';
import { renderReport } from './report';
import type { BenchResults, Floors, WorkloadResult } from './results';
import { runWorkload } from './run-workload';
import { round } from './stats';
import { allProxyIds, workload } from './workloads';

const log = pino({ name: 'bench' });

async function floors(endpoint: string, streams: number, quick: boolean): Promise<Floors> {
  const result: Floors = { errors: [] };
  try {
    log.info('phase: etcd floor');
    const etcd = await measureEtcdFloor(endpoint, quick ? 200 : 1000, { logger: log });
    result.etcd = { p50: round(etcd.p50, 2), p99: round(etcd.p99, 2), samples: etcd.samples };
  } catch (error) {
    result.errors.push(`etcd floor: ${String(error)}`);
  }
  try {
    log.info({ streams }, 'phase: grpc push floor');
    const grpc = await measureGrpcPushFloor(streams, quick ? 30 : 100, { logger: log });
    result.grpcPush = { p50: round(grpc.p50, 2), p99: round(grpc.p99, 2), streams };
  } catch (error) {
    result.errors.push(`grpc push floor: ${String(error)}`);
  }
  log.info(result, 'floors');
  return result;
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const runId = startedAt.replace(/[:.]/g, '-');
  const resultsDir = join(ROOT, 'bench', 'results');
  const logDir = join(resultsDir, 'logs', runId);
  mkdirSync(logDir, { recursive: true });
  const cpuProfDir = args.cpuProf ? join(resultsDir, 'profiles', runId) : undefined;
  if (cpuProfDir !== undefined) mkdirSync(cpuProfDir, { recursive: true });
  log.info({ ...args, logDir, cpuProfDir }, 'bench starting');

  const etcd = await startEtcd();
  log.info({ endpoint: etcd.endpoint }, 'etcd ready');
  const workloads: WorkloadResult[] = [];
  let floorResults: Floors = { errors: [] };
  try {
    const largest = Math.max(...args.workloads.map((n) => allProxyIds(workload(n)).length));
    floorResults = await floors(etcd.endpoint, largest, args.quick);
    for (const name of args.workloads) {
      log.info({ workload: name }, 'workload starting');
      workloads.push(
        await runWorkload(workload(name), {
          etcdEndpoint: etcd.endpoint,
          log,
          quick: args.quick,
          ...(args.samples === undefined ? {} : { samples: args.samples }),
          logDir,
          runId,
          ...(cpuProfDir === undefined ? {} : { cpuProfDir }),
        }),
      );
    }
  } finally {
    await etcd.stop();
  }
  const results: BenchResults = {
    startedAt,
    finishedAt: new Date().toISOString(),
    quick: args.quick,
    machine: { cpus: cpus().length, node: process.version },
    floors: floorResults,
    workloads,
  };
  const report = renderReport(results);
  writeFileSync(join(resultsDir, `${runId}.json`), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(resultsDir, `${runId}.md`), report);
  process.stdout.write('\n' + report);
  log.info({ json: join(resultsDir, `${runId}.json`) }, 'bench done');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log.fatal({ err: error }, 'bench failed');
    process.exit(1);
  },
);
