// Every error the API answers, in one table (like fastify's lib/errors.js), and
// the application/problem+json body it is sent as.
import type { FastifyReply } from 'fastify';

export interface FieldError {
  path: string;
  message: string;
}

export const PROBLEMS = {
  BadRequest: { status: 400, title: 'Unparseable request' },
  Unauthorized: { status: 401, title: 'Missing or invalid token' },
  Forbidden: { status: 403, title: 'Not allowed' },
  NotFound: { status: 404, title: 'Not found' },
  MethodNotAllowed: { status: 405, title: 'Method not allowed' },
  AlreadyExists: { status: 409, title: 'Already exists' },
  Conflict: { status: 409, title: 'Conflict: the object changed since it was read' },
  Gone: { status: 410, title: 'Resource version compacted' },
  PreconditionFailed: { status: 412, title: 'Precondition failed' },
  PayloadTooLarge: { status: 413, title: 'Request body too large' },
  UnsupportedMediaType: { status: 415, title: 'Unsupported content type' },
  Invalid: { status: 422, title: 'Validation failed' },
  TooManyRequests: { status: 429, title: 'Too many requests' },
  Internal: { status: 500, title: 'Internal error' },
  Unavailable: { status: 503, title: 'Store unavailable' },
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

export class ApiProblem extends Error {
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    options?: { cause?: unknown },
  ) {
    super(detail, options);
    this.name = 'ApiProblem';
    this.status = PROBLEMS[code].status;
  }
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  errors: FieldError[];
  instance?: string;
}

export function problemBody(problem: ApiProblem, instance?: string): ProblemBody {
  return {
    type: `https://crossway.dev/problems/${problem.code}`,
    title: PROBLEMS[problem.code].title,
    status: problem.status,
    code: problem.code,
    detail: problem.detail,
    errors: problem.errors,
    ...(instance === undefined ? {} : { instance }),
  };
}

export function sendProblem(reply: FastifyReply, problem: ApiProblem): FastifyReply {
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send(problemBody(problem, reply.request.url));
}
