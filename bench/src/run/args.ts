// `npm run bench [-- --quick] [--workloads S,M,M-unscoped] [--samples N] [--cpu-prof]`.
import { parseArgs } from 'node:util';
import type { WorkloadName } from './workloads';

export interface BenchArgs {
  quick: boolean;
  workloads: WorkloadName[];
  cpuProf: boolean;
  /** Repetitions of each single change (default 10, 3 with --quick). */
  samples?: number;
}

const NAMES: readonly WorkloadName[] = ['S', 'M', 'M-unscoped'];

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      workloads: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      samples: { type: 'string' },
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
  const samples = values.samples === undefined ? undefined : Number(values.samples);
  if (samples !== undefined && !(Number.isInteger(samples) && samples >= 1))
    throw new Error(`--samples: "${values.samples}" is not a whole number >= 1`);
  return {
    quick,
    workloads,
    cpuProf: values['cpu-prof'] === true,
    ...(samples === undefined ? {} : { samples }),
  };
}
