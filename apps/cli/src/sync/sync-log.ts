// The log of a `crossway sync` process: structured pino JSON lines on stderr when it
// runs as a service (no TTY), short readable lines when a person watches it.
import pino from 'pino';
import type { Out } from '../io';

type Fields = Record<string, unknown>;

export interface SyncLog {
  debug(fields: Fields, message: string): void;
  info(fields: Fields, message: string): void;
  warn(fields: Fields, message: string): void;
  error(fields: Fields, message: string): void;
}

function readable(fields: Fields): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join(' ');
}

export function syncLogOf(out: Out, bindings: Fields, verbose = false): SyncLog {
  if (!out.tty) {
    const logger = pino(
      { base: { component: 'crossway-sync', ...bindings }, level: verbose ? 'debug' : 'info' },
      { write: (line: string) => out.errRaw(line) },
    );
    return {
      debug: (f, m) => logger.debug(f, m),
      info: (f, m) => logger.info(f, m),
      warn: (f, m) => logger.warn(f, m),
      error: (f, m) => logger.error(f, m),
    };
  }
  const line =
    (level: string) =>
    (fields: Fields, message: string): void => {
      const time = new Date().toISOString().slice(11, 19);
      out.err(`${time} ${level}${message} ${readable(fields)}`.trimEnd());
    };
  return {
    debug: verbose ? line('') : () => undefined,
    info: line(''),
    warn: line('warning: '),
    error: line('error: '),
  };
}
