// Durations in Gateway API's format (GEP-2257): one to four components, each 1-5
// digits followed by h, m, s or ms. "0s" is zero. No fractions, no negatives.
const DURATION_PATTERN = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;
const COMPONENT = /([0-9]{1,5})(ms|h|m|s)/g;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

export function isDuration(value: string): boolean {
  return DURATION_PATTERN.test(value);
}

/** Milliseconds of a GEP-2257 duration, or undefined when the text is not one. */
export function parseDuration(value: string): number | undefined {
  if (!isDuration(value)) return undefined;
  let total = 0;
  for (const [, digits, unit] of value.matchAll(COMPONENT)) {
    total += Number(digits) * (UNIT_MS[unit ?? ''] ?? 0);
  }
  return total;
}

/** Canonical GEP-2257 text for a number of milliseconds: greatest unit first, "0s" for zero. */
export function formatDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`not a duration: ${ms}`);
  if (ms === 0) return '0s';
  let rest = ms;
  let text = '';
  for (const unit of ['h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit] ?? 1;
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text;
}
