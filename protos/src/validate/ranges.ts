// const / lt / lte / gt / gte / in / not_in, shared by numbers, durations and timestamps.
// As in PGV, when the upper bound is below the lower one the valid values lie outside the range.
import type { Rules } from './rules.ts';
import { list } from './rules.ts';

export interface Violation {
  /** Field path, e.g. `virtual_hosts[0].domains`. */
  readonly path: string;
  /** The PGV rule broken, e.g. `string.min_len`, `oneof.required`. */
  readonly rule: string;
  readonly message: string;
}

export type Comparable = number | bigint;

export interface RangeKind {
  /** Rule group name: `uint32`, `duration`, ... */
  readonly kind: string;
  /** Converts a rule value; undefined when absent or unusable. */
  readonly read: (value: unknown) => Comparable | undefined;
  readonly show: (value: Comparable) => string;
}

function same(a: Comparable, b: Comparable): boolean {
  return !(a < b) && !(a > b) && !Number.isNaN(a) && !Number.isNaN(b);
}

export function checkRange(
  spec: RangeKind,
  value: Comparable,
  rules: Rules,
  path: string,
  out: Violation[],
): void {
  const add = (rule: string, message: string) =>
    out.push({ path, rule: `${spec.kind}.${rule}`, message });
  const exact = spec.read(rules.const);
  if (exact !== undefined && !same(value, exact))
    add('const', `value must equal ${spec.show(exact)}`);

  const lt = spec.read(rules.lt);
  const lte = spec.read(rules.lte);
  const gt = spec.read(rules.gt);
  const gte = spec.read(rules.gte);
  const upper = lt ?? lte;
  const lower = gt ?? gte;
  const upperKey = lt !== undefined ? 'lt' : 'lte';
  const lowerKey = gt !== undefined ? 'gt' : 'gte';
  const belowUpper = upper === undefined || (lt !== undefined ? value < upper : value <= upper);
  const aboveLower = lower === undefined || (gt !== undefined ? value > lower : value >= lower);
  const upperText =
    upper === undefined
      ? ''
      : `less than ${lt !== undefined ? '' : 'or equal to '}${spec.show(upper)}`;
  const lowerText =
    lower === undefined
      ? ''
      : `greater than ${gt !== undefined ? '' : 'or equal to '}${spec.show(lower)}`;
  if (upper !== undefined && lower !== undefined && upper <= lower) {
    if (!belowUpper && !aboveLower) {
      add(`${lowerKey}_${upperKey}`, `value must be ${upperText} or ${lowerText}`);
    }
  } else if (!aboveLower) {
    add(lowerKey, `value must be ${lowerText}${upper === undefined ? '' : ` and ${upperText}`}`);
  } else if (!belowUpper) {
    add(upperKey, `value must be ${upperText}${lower === undefined ? '' : ` and ${lowerText}`}`);
  }

  const allowed = list(rules, 'in').flatMap((v) => readAll(spec, v));
  if (allowed.length > 0 && !allowed.some((a) => same(a, value))) {
    add('in', `value must be one of ${allowed.map(spec.show).join(', ')}`);
  }
  const denied = list(rules, 'not_in').flatMap((v) => readAll(spec, v));
  if (denied.some((d) => same(d, value))) {
    add('not_in', `value must not be one of ${denied.map(spec.show).join(', ')}`);
  }
}

function readAll(spec: RangeKind, value: unknown): Comparable[] {
  const read = spec.read(value);
  return read === undefined ? [] : [read];
}
