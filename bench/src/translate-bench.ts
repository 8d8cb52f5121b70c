// Translation benchmark (issue 4): a synthetic policy set of 10,000 Services with
// 10,000 HTTPRoutes, translated for one edge and for one dependency-scoped
// sidecar. Measures each stage (validate, resolve, IR, translate, snapshot with
// versions and consistency check, protobuf encoding), the bytes an edge would be
// sent and the heap held. Run: `npm run bench:translate [-- --services N]`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { validateObject, type ValidatedObject } from '@crossway/model';
import { resolvePolicy } from '@crossway/policy';
import { encodeAny, loadEnvoyProtos } from '@crossway/protos';
import * as xds from '@crossway/xds';
import { syntheticModel, type SyntheticOptions } from './synthetic-model';

const log = pino({ name: 'bench-translate' });

interface Stage {
  stage: string;
  ms: number;
  detail?: string;
}

function timed<T>(stages: Stage[], stage: string, run: () => T, detail?: (t: T) => string): T {
  const start = process.hrtime.bigint();
  const result = run();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const entry: Stage = { stage, ms: Math.round(ms * 10) / 10 };
  if (detail) entry.detail = detail(result);
  stages.push(entry);
  log.info(entry, `${stage} done`);
  return result;
}

function heapMb(): number {
  global.gc?.();
  return Math.round((process.memoryUsage().heapUsed / 1048576) * 10) / 10;
}

function validated(raw: Record<string, unknown>[]): ValidatedObject[] {
  return raw.map((object) => {
    const result = validateObject(object);
    if (!result.ok)
      throw new Error(`synthetic object invalid: ${JSON.stringify(result.violations)}`);
    result.value.metadata.generation = 1;
    result.value.metadata.creationTimestamp = '2024-01-01T00:00:00Z';
    return result.value;
  });
}

function encodedBytes(resources: xds.EnvoyResources): number {
  let bytes = 0;
  for (const kind of xds.RESOURCE_KIND_ORDER)
    for (const resource of resources[kind])
      bytes += encodeAny(xds.ENVOY_TYPES[kind], resource).value.length;
  return bytes;
}

function count(resources: xds.EnvoyResources): string {
  return xds.RESOURCE_KIND_ORDER.map((k) => `${k} ${resources[k].length}`).join(', ');
}

function main(): void {
  const { values } = parseArgs({
    options: {
      services: { type: 'string', default: '10000' },
      endpoints: { type: 'string', default: '2' },
      dependencies: { type: 'string', default: '20' },
      out: { type: 'string', default: 'tmp/bench/translate.json' },
    },
  });
  const options: SyntheticOptions = {
    services: Number(values.services),
    endpoints: Number(values.endpoints),
    namespaces: 100,
    dependencies: Number(values.dependencies),
  };
  log.info({ options }, 'translation benchmark starting');
  loadEnvoyProtos();
  const stages: Stage[] = [];
  const heapBefore = heapMb();
  const raw = timed(
    stages,
    'generate',
    () => syntheticModel(options),
    (r) => `${r.length} objects`,
  );
  const objects = timed(stages, 'validate', () => validated(raw));
  const resolved = timed(stages, 'resolve policy', () => resolvePolicy(objects));
  const heapResolved = heapMb();

  const edgeIr = timed(stages, 'edge: IR', () => xds.buildEdgeIr(resolved, 'edge/public'));
  if (!edgeIr) throw new Error('edge/public did not resolve');
  const edge = timed(stages, 'edge: translate', () => xds.translateEdge(edgeIr), count);
  const edgeSnapshot = timed(
    stages,
    'edge: snapshot (versions + checks)',
    () => xds.buildSnapshot(edge, { externalSecrets: xds.referencedSecrets(edge) }),
    (s) => `${s.problems.length} problems`,
  );
  if (edgeSnapshot.problems.length > 0) throw new Error(edgeSnapshot.problems.join('; '));
  timed(
    stages,
    'edge: protobuf encode',
    () => encodedBytes(edge),
    (b) => `${(b / 1048576).toFixed(2)} MiB`,
  );
  const edgeAgain = timed(stages, 'edge: translate again (warm)', () =>
    xds.translateEdge(xds.buildEdgeIr(resolved, 'edge/public') ?? edgeIr),
  );
  void edgeAgain;

  sidecarStages(resolved, stages);
  const heapAfter = heapMb();
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    options,
    stages,
    heapMb: { before: heapBefore, resolved: heapResolved, after: heapAfter },
  };
  mkdirSync(new URL('../../tmp/bench/', import.meta.url), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
  const table = [
    '| stage | ms | detail |',
    '|---|---:|---|',
    ...stages.map((s) => `| ${s.stage} | ${s.ms} | ${s.detail ?? ''} |`),
  ].join('\n');
  process.stdout.write(
    `\n${table}\n\nheap: ${heapBefore} MB before, ${heapResolved} MB resolved, ${heapAfter} MB after\nwritten to ${values.out}\n`,
  );
}

/** One dependency-scoped sidecar, then a second one to show the shared pieces are reused. */
function sidecarStages(resolved: ReturnType<typeof resolvePolicy>, stages: Stage[]): void {
  const sidecar = (label: string, service: string) => {
    const ir = timed(stages, `${label}: IR`, () => xds.buildSidecarIr(resolved, { service }));
    if (!ir) throw new Error(`${service} did not resolve`);
    const resources = timed(stages, `${label}: translate`, () => xds.translateSidecar(ir), count);
    const snapshot = timed(
      stages,
      `${label}: snapshot (versions + checks)`,
      () => xds.buildSnapshot(resources, { externalSecrets: xds.referencedSecrets(resources) }),
      (s) => `${s.problems.length} problems`,
    );
    if (snapshot.problems.length > 0) throw new Error(JSON.stringify(snapshot.problems[0]));
    timed(
      stages,
      `${label}: protobuf encode`,
      () => encodedBytes(resources),
      (b) => `${(b / 1024).toFixed(1)} KiB`,
    );
  };
  sidecar('scoped sidecar (first, builds shared upstreams)', 'bench/client');
  sidecar('scoped sidecar (second, reuses them)', 'bench/client-2');
  sidecar('unscoped sidecar (sees all Services)', 'ns-1/svc-1');
}

main();
