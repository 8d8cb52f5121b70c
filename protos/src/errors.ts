// Every error this lib throws, in one table. Callers branch on `code`, never on message text.
export const protosErrorCodes = {
  PROTO_LOAD_FAILED: 'the proto files could not be found or parsed',
  UNKNOWN_TYPE: 'no message type of that name is loaded',
  INVALID_OBJECT: 'an object does not fit its message type',
  INVALID_ANY: 'an Any does not name a loaded type or its bytes do not decode',
} as const;

export type ProtosErrorCode = keyof typeof protosErrorCodes;

/** One place in an object that does not fit its message type. */
export interface FieldProblem {
  /** Field path in proto field names, e.g. `virtual_hosts[0].domains[1]`. */
  readonly path: string;
  readonly message: string;
}

export class ProtosError extends Error {
  override readonly name = 'ProtosError';
  readonly code: ProtosErrorCode;
  readonly problems: readonly FieldProblem[];

  constructor(
    code: ProtosErrorCode,
    message: string,
    options: { cause?: unknown; problems?: readonly FieldProblem[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.problems = options.problems ?? [];
  }
}
