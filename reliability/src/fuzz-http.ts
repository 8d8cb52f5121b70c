// A bare HTTP client for the fuzzing scenario: sends exactly the bytes and headers it
// is given (fetch would fix up content types and encodings) over a keep-alive agent,
// and checks an answer is the clear 4xx problem the API contract promises.
import { Agent, request } from 'node:http';

export interface RawRequest {
  method: string;
  path: string;
  token?: string;
  contentType?: string | undefined;
  body?: string | Buffer;
}

export interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
}

export function rawClient(baseUrl: string, maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const url = new URL(baseUrl);
  const send = (r: RawRequest, timeoutMs = 30_000): Promise<RawAnswer> =>
    new Promise((resolve, reject) => {
      const body = r.body === undefined ? undefined : Buffer.from(r.body);
      const headers: Record<string, string | number> = {};
      if (r.token !== undefined) headers['authorization'] = `Bearer ${r.token}`;
      if (r.contentType !== undefined) headers['content-type'] = r.contentType;
      if (body !== undefined) headers['content-length'] = body.length;
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: r.method,
          path: r.path,
          headers,
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

/** The 4xx codes the contract names for a refused request. */
export const REFUSAL_CODES = new Set([400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 429]);

/**
 * Why `answer` is not a proper refusal (undefined when it is): a contract 4xx with an
 * application/problem+json body carrying `errors[{path, message}]`, and a 422 names
 * at least one field. With `successAllowed` (explain: not a write) a 2xx passes too.
 */
export function refusalProblem(answer: RawAnswer, successAllowed = false): string | undefined {
  if (successAllowed && answer.status >= 200 && answer.status < 300) return undefined;
  if (!REFUSAL_CODES.has(answer.status)) return `status ${answer.status} is not a contract 4xx`;
  if (!answer.contentType.startsWith('application/problem+json'))
    return `content-type ${answer.contentType} is not application/problem+json`;
  let problem: { status?: unknown; errors?: unknown };
  try {
    problem = JSON.parse(answer.text) as typeof problem;
  } catch {
    return 'the problem body is not JSON';
  }
  if (problem.status !== answer.status) return `problem.status ${String(problem.status)} differs`;
  if (!Array.isArray(problem.errors)) return 'problem.errors is not a list';
  const errors = problem.errors as { path?: unknown; message?: unknown }[];
  if (errors.some((e) => typeof e.path !== 'string' || typeof e.message !== 'string' || !e.message))
    return 'an error lacks a path or message';
  if (answer.status === 422 && !errors.some((e) => e.path !== ''))
    return 'a 422 names no field path';
  return undefined;
}
