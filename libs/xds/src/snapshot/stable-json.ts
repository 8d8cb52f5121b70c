// Deterministic JSON: object keys sorted at every level, so equal values give
// equal bytes whatever order they were built in.
import { createHash } from 'node:crypto';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    out[key] = sortKeys(inner);
  return out;
}

export function stableJson(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
