// Classifies etcd3 client failures by the client's error classes (which it derives
// from gRPC status codes), never by message text.
import {
  ClientClosedError,
  EtcdWatchStreamEnded,
  GRPCCancelledError,
  GRPCDeadlineExceededError,
  GRPCOutOfRangeError,
  GRPCResourceExhastedError,
  GRPCUnavailableError,
} from 'etcd3';
import { StoreError } from './errors';

/** True for gRPC OUT_OF_RANGE: a revision that is compacted or in the future. */
export function isOutOfRange(error: unknown): boolean {
  return error instanceof GRPCOutOfRangeError;
}

function isUnreachable(error: unknown): boolean {
  return (
    error instanceof GRPCUnavailableError ||
    error instanceof GRPCDeadlineExceededError ||
    error instanceof GRPCCancelledError ||
    error instanceof ClientClosedError ||
    error instanceof EtcdWatchStreamEnded ||
    // cockatiel's circuit breaker (if a caller configures one) marks its error so.
    (error instanceof Error &&
      'isBrokenCircuitError' in error &&
      error.isBrokenCircuitError === true)
  );
}

export function toStoreError(error: unknown, operation: string): StoreError {
  if (error instanceof StoreError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  if (isUnreachable(error)) {
    return new StoreError(
      'Unavailable',
      `etcd ${operation} failed: etcd is unreachable (${detail})`,
      { cause: error },
    );
  }
  if (error instanceof GRPCResourceExhastedError) {
    // The backend quota is full (or a message too big): etcd takes no writes until an operator acts.
    return new StoreError(
      'Unavailable',
      `etcd ${operation} failed: resource exhausted (${detail})`,
      { cause: error },
    );
  }
  if (isOutOfRange(error)) {
    return new StoreError('Compacted', `etcd ${operation} failed: revision compacted (${detail})`, {
      cause: error,
    });
  }
  return new StoreError('Internal', `etcd ${operation} failed: ${detail}`, { cause: error });
}
