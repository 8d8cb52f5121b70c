// A field-level diff between two JSON values, with the model's path syntax.
import { formatPath } from '@crossway/model';
import { isPlainObject } from './merge-patch';

export interface FieldChange {
  path: string;
  op: 'add' | 'remove' | 'replace';
  from?: unknown;
  to?: unknown;
}

export function diffValues(before: unknown, after: unknown, at: PropertyKey[] = []): FieldChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => {
      const path = [...at, key];
      if (!(key in after))
        return [{ path: formatPath(path), op: 'remove' as const, from: before[key] }];
      if (!(key in before)) return [{ path: formatPath(path), op: 'add' as const, to: after[key] }];
      return diffValues(before[key], after[key], path);
    });
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => diffValues(item, after[i], [...at, i]));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: formatPath(at), op: 'replace', from: before, to: after }];
}
