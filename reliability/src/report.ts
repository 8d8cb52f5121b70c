// Figures a scenario measured (writes lost, failed RPCs, recovery times, heap slope):
// logged as they come (pino, progress for long runs) and written to
// tmp/reliability/figures/<scenario>.json, which scripts/reliability.mjs sums up
// at the end of a run.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { reliabilitySettings } from './settings';

const ROOT_DIR = join(import.meta.dirname, '..', '..');
export const FIGURES_DIR = join(ROOT_DIR, 'tmp', 'reliability', 'figures');

export const reliabilityLog = pino({
  name: 'reliability',
  level: process.env['RELIABILITY_LOG'] ?? 'info',
});

export type Figures = Record<string, number | string | boolean | null>;

/** Merges `figures` into the scenario's figures file and logs them. */
export function reportFigures(scenario: string, figures: Figures): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  const file = join(FIGURES_DIR, `${scenario}.json`);
  const current = readFigures(file);
  const merged = { ...current, ...figures, mode: reliabilitySettings.mode };
  writeFileSync(file, JSON.stringify(merged, null, 2) + '\n');
  reliabilityLog.info({ scenario, ...figures }, 'figures');
}

function readFigures(file: string): Figures {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Figures;
  } catch {
    return {};
  }
}

/** The p-th percentile (0..100) of `values`, nearest rank; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** Least-squares slope of y over x (units of y per unit of x); NaN under two points. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const meanX = points.reduce((s, p) => s + p.x, 0) / n;
  const meanY = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - meanX) * (p.y - meanY);
    den += (p.x - meanX) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}
