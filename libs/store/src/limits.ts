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
/** The request's own framing and header. */
const BASE_BYTES = 64;

/** What compares and writes add to a request, without the request's own framing. */
export function operationBytes(compares: readonly KvCompare[], writes: readonly KvWrite[]): number {
  let total = 0;
  for (const c of compares) total += Buffer.byteLength(c.key) + OP_OVERHEAD_BYTES;
  for (const w of writes) {
    total += Buffer.byteLength(w.key) + OP_OVERHEAD_BYTES;
    if (w.type === 'put') total += Buffer.byteLength(w.value) + (w.lease === undefined ? 0 : 16);
  }
  return total;
}

/**
 * Why one etcd transaction could not carry this many compares and writes of this many
 * operation bytes (see operationBytes), or undefined if it could.
 */
export function limitExcess(
  compares: number,
  writes: number,
  bytesOfOperations: number,
): string | undefined {
  const ops = Math.max(compares, writes);
  if (ops > MAX_TXN_OPS) {
    return `transaction has ${ops} operations; etcd allows at most ${MAX_TXN_OPS} (a delete counts twice: object and status)`;
  }
  const bytes = BASE_BYTES + bytesOfOperations;
  if (bytes > MAX_REQUEST_BYTES) {
    return `transaction is about ${bytes} bytes; etcd allows at most ${MAX_REQUEST_BYTES} bytes (1.5 MiB) per request`;
  }
  return undefined;
}

export function fitsLimits(compares: readonly KvCompare[], writes: readonly KvWrite[]): boolean {
  return (
    limitExcess(compares.length, writes.length, operationBytes(compares, writes)) === undefined
  );
}

/** Throws TooLarge if one etcd transaction could not carry these compares and writes. */
export function checkLimits(compares: readonly KvCompare[], writes: readonly KvWrite[]): void {
  const excess = limitExcess(compares.length, writes.length, operationBytes(compares, writes));
  if (excess !== undefined) throw new StoreError('TooLarge', excess);
}
