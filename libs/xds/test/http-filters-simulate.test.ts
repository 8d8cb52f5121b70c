// Requests through the emitted HTTP filters (testdata/simulate/http-filters/*.yaml):
// each file names an edge golden input (or holds objects) and requests carrying a
// source identity and a token; the simulator evaluates the emitted cors,
// jwt_authn and RBAC configs (not the model) and the test checks the verdicts.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { simulateRequest, type SimulatedRequest, type SimulationResult } from '../src/index';
import { edgeDir, loadObjects, runEdge, toValidated } from './support/edge-cases';

const dir = fileURLToPath(new URL('../testdata/simulate/http-filters/', import.meta.url));

interface Expectation {
  status?: number;
  /** null: no RBAC filter decided. */
  authorization?: { verdict: 'ALLOW' | 'DENY'; by?: string } | null;
  /** null: jwt_authn did not see the request. */
  jwt?: string | null;
  jwtProvider?: string;
  jwtHeaders?: Record<string, string>;
  /** The filter that answered the request itself. */
  answeredBy?: string;
  corsAllowed?: boolean;
}

interface RequestCase {
  name: string;
  request: SimulatedRequest;
  expect: Expectation;
}

interface CaseFile {
  objects?: unknown[];
  objectsFrom?: string;
  requests: RequestCase[];
}

function statusOf(result: SimulationResult): number | undefined {
  if (result.localReply) return result.localReply.status;
  const { action } = result;
  if (action.type === 'forward')
    return action.clusters.every((c) => !c.defined) ? action.clusterNotFoundStatus : 200;
  if (
    action.type === 'no-listener' ||
    action.type === 'no-filter-chain' ||
    action.type === 'tls-handshake-failed'
  )
    return undefined;
  return action.status;
}

function check(result: SimulationResult, want: Expectation): void {
  if (want.status !== undefined) expect(statusOf(result)).toBe(want.status);
  if (want.authorization === null) expect(result.authorization).toBeUndefined();
  else if (want.authorization !== undefined) {
    expect(result.authorization?.verdict).toBe(want.authorization.verdict);
    expect(result.authorization?.by).toBe(want.authorization.by);
  }
  if (want.jwt === null) expect(result.jwt).toBeUndefined();
  else if (want.jwt !== undefined) expect(result.jwt?.result).toBe(want.jwt);
  if (want.jwtProvider !== undefined) expect(result.jwt?.provider).toBe(want.jwtProvider);
  if (want.jwtHeaders !== undefined) expect(result.jwt?.headersAdded).toEqual(want.jwtHeaders);
  if (want.answeredBy !== undefined) expect(result.localReply?.filter).toBe(want.answeredBy);
  if (want.corsAllowed !== undefined) expect(result.cors?.allowed).toBe(want.corsAllowed);
}

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('http filter simulation cases', () => {
  it('has cases to run', () => {
    expect(files.length).toBeGreaterThan(0);
  });
});

for (const file of files) {
  describe(`http filters in ${file}`, () => {
    const testCase: CaseFile = parse(readFileSync(`${dir}${file}`, 'utf8'));
    const objects =
      testCase.objectsFrom !== undefined
        ? loadObjects(`${edgeDir}${testCase.objectsFrom}`)
        : (testCase.objects ?? []).map((raw, i) => toValidated(raw, `${file} object ${i}`));
    const { resources } = runEdge(objects);
    for (const requestCase of testCase.requests)
      it(requestCase.name, () => {
        check(simulateRequest(resources, requestCase.request), requestCase.expect);
      });
  });
}
