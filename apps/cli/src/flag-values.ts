// Parsing of flag values shared by commands, with usage errors (exit 2) naming the flag.
import { parseDuration } from '@crossway/model';
import { CliError, EXIT } from './exit-codes';

/** Milliseconds of a duration flag such as 30s, 5m or 500ms; zero and garbage are usage errors. */
export function durationFlag(value: string, flag: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0)
    throw new CliError(`${flag} must be a duration such as 30s, 5m or 500ms`, EXIT.usage);
  return ms;
}
