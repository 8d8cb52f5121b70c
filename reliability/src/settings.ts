// Quick or long: `npm run test:reliability` runs the quick form (what CI runs);
// `npm run test:reliability -- --long` the longer variants. scripts/reliability.mjs
// turns the flags into these environment variables.
export type ReliabilityMode = 'quick' | 'long';

function number(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}=${raw} is not a number >= 0`);
  return value;
}

const mode: ReliabilityMode = process.env['RELIABILITY_MODE'] === 'long' ? 'long' : 'quick';
const long = mode === 'long';

export const reliabilitySettings = {
  mode,
  /** How long etcd stays down in the outage scenario. */
  etcdOutageMs: number('RELIABILITY_ETCD_OUTAGE_MS', 30_000),
  /** Control-plane kills in the restart scenario. */
  controlPlaneKills: number('RELIABILITY_CP_KILLS', long ? 50 : 20),
  /** Generated bodies per write endpoint in the fuzzing scenario. */
  fuzzBodiesPerEndpoint: number('RELIABILITY_FUZZ_BODIES', long ? 50_000 : 10_000),
  /** Soak duration. */
  soakMinutes: number('RELIABILITY_SOAK_MINUTES', long ? 60 : 10),
} as const;
