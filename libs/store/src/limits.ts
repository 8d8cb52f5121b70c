// etcd's request limits, enforced before a write is sent so both stores refuse the
// same writes with the same message (and etcd never sees a request it would reject).
import { StoreError } from './errors';
import type { KvCompare, KvWrite } from './kv';

/** etcd's default --max-txn-ops. */
export const MAX_TXN_OPS = 128;
/** etcd's default --max-request-bytes (1.5 MiB). */
export const MAX_REQUEST_BYTES = 1_572_864;

/** Protobuf framing per operation, rounded up so the estimate never undercounts. */
const OP_OVERHEAD_BYTES = 32;

export function requestBytes(compares: readonly KvCompare[], writes: readonly KvWrite[]): number {
  let total = 64;
  for (const c of compares) total += Buffer.byteLength(c.key) + OP_OVERHEAD_BYTES;
  for (const w of writes) {
    total += Buffer.byteLength(w.key) + OP_OVERHEAD_BYTES;
    if (w.type === 'put') total += Buffer.byteLength(w.value);
  }
  return total;
}

/** Throws TooLarge if one etcd transaction could not carry these compares and writes. */
export function checkLimits(compares: readonly KvCompare[], writes: readonly KvWrite[]): void {
  const ops = Math.max(compares.length, writes.length);
  if (ops > MAX_TXN_OPS) {
    throw new StoreError(
      'TooLarge',
      `transaction has ${ops} operations; etcd allows at most ${MAX_TXN_OPS} (a delete counts twice: object and status)`,
    );
  }
  const bytes = requestBytes(compares, writes);
  if (bytes > MAX_REQUEST_BYTES) {
    throw new StoreError(
      'TooLarge',
      `transaction is about ${bytes} bytes; etcd allows at most ${MAX_REQUEST_BYTES} bytes (1.5 MiB) per request`,
    );
  }
}
