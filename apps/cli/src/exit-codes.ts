// The exit codes scripts can rely on (documented in docs/cli.md).
export const EXIT = {
  ok: 0,
  /** The API refused the request (validation, conflict, permission) or a file is invalid. */
  error: 1,
  /** Bad command line: unknown command, flag or kind, missing argument. */
  usage: 2,
  /** The object, proxy or target does not exist. */
  notFound: 3,
  /** apply --prune refused by the prune safety limits (use --force). */
  pruneRefused: 4,
  /** The server could not be reached. */
  unreachable: 5,
  /** diff: differences found (as `diff` does). */
  differences: 6,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
