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

export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  readonly httpStatus: number;
  readonly details: StoreErrorDetails;

  constructor(
    code: StoreErrorCode,
    message: string,
    options: { cause?: unknown; details?: StoreErrorDetails } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.httpStatus = STORE_ERROR_CODES[code].httpStatus;
    this.details = options.details ?? {};
  }
}

export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}
