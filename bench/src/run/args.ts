// `npm run bench [-- --quick] [--workloads S,M,M-unscoped] [--cpu-prof]`.
import { parseArgs } from 'node:util';
import type { WorkloadName } from './workloads';

export interface BenchArgs {
  quick: boolean;
  workloads: WorkloadName[];
  cpuProf: boolean;
}

const NAMES: readonly WorkloadName[] = ['S', 'M', 'M-unscoped'];

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      workloads: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  const quick = values.quick === true;
  let workloads: WorkloadName[];
  if (values.workloads === undefined) workloads = quick ? ['quick'] : [...NAMES];
  else {
    workloads = values.workloads.split(',').map((raw) => {
      const name = raw.trim();
      if (!(NAMES as readonly string[]).includes(name) && name !== 'quick')
        throw new Error(`--workloads: unknown workload "${name}" (S, M, M-unscoped, quick)`);
      return name as WorkloadName;
    });
  }
  return { quick, workloads, cpuProf: values['cpu-prof'] === true };
}
