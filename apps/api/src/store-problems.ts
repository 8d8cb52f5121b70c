// How store failures surface over HTTP.
import { StoreError } from '@crossway/store';
import { ApiProblem, type ProblemCode } from './problems';

const STATUS_OF_STORE_CODE: Record<string, ProblemCode> = {
  NotFound: 'NotFound',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Unavailable: 'Unavailable',
  TooLarge: 'PayloadTooLarge',
  Compacted: 'Gone',
  InvalidContinue: 'BadRequest',
  InvalidArgument: 'BadRequest',
  Internal: 'Internal',
};

export function problemFromStore(error: unknown): unknown {
  if (error instanceof StoreError) {
    return new ApiProblem(STATUS_OF_STORE_CODE[error.code] ?? 'Internal', error.message, [], {
      cause: error,
    });
  }
  return error;
}

/** Runs a store call and turns its typed failures into API problems. */
export async function storeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw problemFromStore(error);
  }
}
