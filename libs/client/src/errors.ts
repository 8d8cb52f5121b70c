// CrosswayApiError: an application/problem+json answer (or any non-2xx answer) of the
// API as one readable error with the status, code and every field violation.

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  errors?: FieldError[];
  instance?: string;
}

export class CrosswayApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[];

  constructor(status: number, problem: Problem) {
    const title = problem.title ?? `HTTP ${status}`;
    const detail = problem.detail ?? '';
    const errors = Array.isArray(problem.errors) ? problem.errors : [];
    const lines = [`${title} (HTTP ${status}${problem.code ? `, ${problem.code}` : ''})`];
    if (detail && detail !== title) lines[0] += `: ${detail}`;
    for (const e of errors) lines.push(`  ${e.path || '(object)'}: ${e.message}`);
    super(lines.join('\n'));
    this.name = 'CrosswayApiError';
    this.status = status;
    this.code = problem.code ?? '';
    this.title = title;
    this.detail = detail;
    this.errors = errors;
  }
}

/** Builds the error for a failed answer from its body text (problem+json, other JSON or plain text). */
export function errorFromAnswer(status: number, text: string): CrosswayApiError {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null) return new CrosswayApiError(status, parsed);
  } catch {
    // Not JSON: use the text as the detail.
  }
  return new CrosswayApiError(status, { detail: text.slice(0, 500) });
}
