// Total orders used everywhere output is sorted. Strings compare by code unit
// (never localeCompare: the result must not depend on the host's locale), so the
// same objects always come out in the same order whatever order they came in.

export type Comparator<T> = (a: T, b: T) => number;

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Chains comparators: the first non-zero answer wins. */
export function chain<T>(...comparators: Comparator<T>[]): Comparator<T> {
  return (a, b) => {
    for (const compare of comparators) {
      const result = compare(a, b);
      if (result !== 0) return result;
    }
    return 0;
  };
}

export function by<T>(key: (item: T) => string | number): Comparator<T> {
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    return typeof ka === 'number' && typeof kb === 'number'
      ? compareNumbers(ka, kb)
      : compareStrings(String(ka), String(kb));
  };
}

export function sorted<T>(items: Iterable<T>, compare: Comparator<T>): T[] {
  return [...items].sort(compare);
}

/** Milliseconds since the epoch of an RFC 3339 timestamp; missing or unparseable counts as newest. */
export function ageKey(creationTimestamp: string | undefined): number {
  if (creationTimestamp === undefined) return Number.POSITIVE_INFINITY;
  const ms = Date.parse(creationTimestamp);
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

export interface Aged {
  namespace: string;
  name: string;
  creationTimestamp?: string;
}

/** Oldest first, then namespace/name: Gateway API's tie-break between objects. */
export const compareAge: Comparator<Aged> = chain<Aged>(
  (a, b) => compareNumbers(ageKey(a.creationTimestamp), ageKey(b.creationTimestamp)),
  by((o) => o.namespace),
  by((o) => o.name),
);

/** Removes repeated values (by key), keeping the first, and sorts by key. */
export function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareStrings);
}
