// PGV duration and timestamp rules, compared as total nanoseconds.
import { isRecord } from '../json.ts';
import { toBigInt } from '../scalars.ts';
import * as wkt from '../wkt.ts';
import { checkRange, type Comparable, type RangeKind, type Violation } from './ranges.ts';
import { flag, type Rules } from './rules.ts';

const NANOS = 1_000_000_000n;

/** A Duration or Timestamp as total nanoseconds; rule values are `{seconds, nanos}` objects. */
function toNanos(value: unknown): bigint | undefined {
  if (!isRecord(value)) return undefined;
  const seconds = toBigInt(value.seconds ?? 0) ?? 0n;
  const nanos = toBigInt(value.nanos ?? 0) ?? 0n;
  return seconds * NANOS + nanos;
}

function showNanos(kind: 'duration' | 'timestamp'): (value: Comparable) => string {
  return (value) => {
    const total = BigInt(value);
    const seconds = total / NANOS;
    const nanos = Number(total % NANOS);
    return kind === 'duration'
      ? wkt.formatDuration(seconds, nanos)
      : wkt.formatTimestamp(seconds, nanos);
  };
}

export function checkTime(
  kind: 'duration' | 'timestamp',
  value: object,
  rules: Rules | undefined,
  path: string,
  ctx: { readonly now: Date | undefined; readonly out: Violation[] },
): void {
  const total = toNanos(value);
  if (rules === undefined || total === undefined) return;
  const spec: RangeKind = { kind, read: toNanos, show: showNanos(kind) };
  checkRange(spec, total, rules, path, ctx.out);
  // The relative rules need a clock; the caller passes one (this lib reads none itself).
  if (kind !== 'timestamp' || ctx.now === undefined) return;
  const now = BigInt(ctx.now.getTime()) * 1_000_000n;
  if (flag(rules, 'lt_now') && !(total < now)) {
    ctx.out.push({ path, rule: 'timestamp.lt_now', message: 'value must be in the past' });
  }
  if (flag(rules, 'gt_now') && !(total > now)) {
    ctx.out.push({ path, rule: 'timestamp.gt_now', message: 'value must be in the future' });
  }
  const within = toNanos(rules.within);
  if (within !== undefined && (total < now - within || total > now + within)) {
    ctx.out.push({
      path,
      rule: 'timestamp.within',
      message: `value must be within ${showNanos('duration')(within)} of now`,
    });
  }
}
