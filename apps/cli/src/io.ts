// The streams and environment a CLI run writes to and reads from, so tests can run it in-process.
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  stdin?: Readable;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Colour and progress display; defaults to stdout being a TTY. */
  tty?: boolean;
  /** Stops long-running commands (sync) cleanly; main.ts aborts it on SIGINT and SIGTERM. */
  signal?: AbortSignal;
}

export interface Out {
  out(text: string): void;
  err(text: string): void;
  /** stderr as is, without a newline added (progress display). */
  errRaw(text: string): void;
  tty: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
  stdin: Readable | undefined;
}

export function outOf(io: CliIo): Out {
  const tty = io.tty ?? Boolean((io.stdout as { isTTY?: boolean }).isTTY);
  return {
    out: (text) => void io.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void io.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    errRaw: (text) => void io.stderr.write(text),
    tty,
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
    stdin: io.stdin,
  };
}

/** Colours text on a TTY only. */
export function paint(out: Out, colour: 'red' | 'green' | 'yellow' | 'bold', text: string): string {
  if (!out.tty) return text;
  const codes = { red: 31, green: 32, yellow: 33, bold: 1 } as const;
  return `\u001b[${codes[colour]}m${text}\u001b[0m`;
}
