// Every failure the store reports, in one table (as fastify keeps lib/errors.js).
// Callers switch on `code`; `httpStatus` is what the REST API answers for it.
import type { KindName } from '@crossway/model';

export const STORE_ERROR_CODES = {
  NotFound: { httpStatus: 404, description: 'the object does not exist' },
  AlreadyExists: {
    httpStatus: 409,
    description: 'an object with this kind, namespace and name exists',
  },
  Conflict: { httpStatus: 409, description: 'the object changed since the given resourceVersion' },
  InvalidArgument: {
    httpStatus: 400,
    description: 'the request names no valid object or revision',
  },
  InvalidContinue: {
    httpStatus: 400,
    description: 'the continue token is malformed or belongs to another list',
  },
  TooLarge: { httpStatus: 413, description: 'the write exceeds what one etcd request may carry' },
  Compacted: { httpStatus: 410, description: 'the requested revision has been compacted' },
  Unavailable: { httpStatus: 503, description: 'the store cannot be reached or is closed' },
  Internal: { httpStatus: 500, description: 'the store returned something it should not have' },
} as const satisfies Record<string, { httpStatus: number; description: string }>;

export type StoreErrorCode = keyof typeof STORE_ERROR_CODES;

/** Which operation of a transaction failed, and on what object. */
export interface StoreErrorDetails {
  operation?: number;
  kind?: KindName;
  namespace?: string;
  name?: string;
}

/**
 * The store's revision went back (etcd restored from an older backup): a watch or cache
 * at `from` is ahead of a store now at `to`, and an equal resourceVersion no longer
 * means equal content. Reported as Compacted, since every reader re-lists on that.
 */
export interface RevisionRegression {
  from: number;
  to: number;
}

export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  readonly httpStatus: number;
  readonly details: StoreErrorDetails;
  /** Set when the failure is a store whose revision went back. */
  readonly regression: RevisionRegression | undefined;

  constructor(
    code: StoreErrorCode,
    message: string,
    options: { cause?: unknown; details?: StoreErrorDetails; regression?: RevisionRegression } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.httpStatus = STORE_ERROR_CODES[code].httpStatus;
    this.details = options.details ?? {};
    this.regression = options.regression;
  }
}

/** The Compacted error a reader gets when the store's revision went back from `from` to `to`. */
export function revisionRegressed(from: number, to: number): StoreError {
  return new StoreError(
    'Compacted',
    `store revision went back from ${from} to ${to} (restored from an older backup?): re-listing`,
    { regression: { from, to } },
  );
}

export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}
