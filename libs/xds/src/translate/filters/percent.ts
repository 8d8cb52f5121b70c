// Percentages (0-100, fractions allowed) as Envoy FractionalPercent.
import type { JsonObject } from '@crossway/protos';

export function fractionalPercent(percent: number): JsonObject {
  return Number.isInteger(percent)
    ? { numerator: percent, denominator: 'HUNDRED' }
    : { numerator: Math.round(percent * 10_000), denominator: 'MILLION' };
}

/** Always on: a security or limit filter is never sampled. */
export function alwaysOn(runtimeKey: string): JsonObject {
  return { default_value: { numerator: 100, denominator: 'HUNDRED' }, runtime_key: runtimeKey };
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
