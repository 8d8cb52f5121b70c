// A stable key of a request's node, to tell whether a later request on the same
// stream speaks for the same node (key order does not matter). A SHA-256 of its
// stable JSON, so a stream keeps 64 characters rather than the whole node.
import { createHash } from 'node:crypto';

export function stableNodeKey(node: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(sortKeys(node)))
    .digest('hex');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  return value;
}
