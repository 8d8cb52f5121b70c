// The control plane's change trace (CROSSWAY_TRACE_CHANGES=1): one pino line per
// published round, `{"msg":"change-trace","revision":N,"receivedAt",...}`. Parses
// those lines from the process's stdout and finds the round that carried a revision.
export interface TraceRound {
  revision: number;
  receivedAt: number;
  debouncedAt: number;
  builtAt: number;
  sentAt: number;
  groups: number;
  streams: number;
}

const FIELDS = ['revision', 'receivedAt', 'debouncedAt', 'builtAt', 'sentAt'] as const;

/** A change-trace round from one stdout line, or undefined for any other line. */
export function parseTraceLine(line: string): TraceRound | undefined {
  if (!line.includes('"change-trace"')) return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (parsed['msg'] !== 'change-trace') return undefined;
  const numbers: Record<string, number> = {};
  for (const field of [...FIELDS, 'groups', 'streams']) {
    const value = parsed[field];
    const number = typeof value === 'string' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isFinite(number)) {
      if (field === 'groups' || field === 'streams') numbers[field] = 0;
      else return undefined;
    } else numbers[field] = number;
  }
  return {
    revision: numbers['revision'] ?? 0,
    receivedAt: numbers['receivedAt'] ?? 0,
    debouncedAt: numbers['debouncedAt'] ?? 0,
    builtAt: numbers['builtAt'] ?? 0,
    sentAt: numbers['sentAt'] ?? 0,
    groups: numbers['groups'] ?? 0,
    streams: numbers['streams'] ?? 0,
  };
}

/** The first round (in publication order) whose revision includes `revision`. */
export function roundFor(rounds: readonly TraceRound[], revision: number): TraceRound | undefined {
  return rounds.find((r) => r.revision >= revision);
}
