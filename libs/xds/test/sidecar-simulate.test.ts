// Sidecar request cases (testdata/simulate-sidecar/*.yaml): model objects (inline,
// or `objectsFrom` a sidecar golden input) and requests run with simulateRequest
// through the translated resources of a sidecar (`sidecar` per file or per request;
// default: the golden input's "# sidecar:" line).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolvePolicy } from '@crossway/policy';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { simulateRequest, type SimulatedRequest, type SimulationResult } from '../src/index';
import { loadObjects, toValidated } from './support/edge-cases';
import {
  parseSidecarTarget,
  runSidecarOn,
  sidecarDir,
  type SidecarTarget,
} from './support/sidecar-cases';

const casesDir = fileURLToPath(new URL('../testdata/simulate-sidecar/', import.meta.url));

interface Expectation {
  listener?: string;
  filterChain?: string;
  virtualHost?: string;
  /** null: no route matched. */
  route?: string | null;
  type?: SimulationResult['action']['type'];
  /** Cluster names, with weights when given as {name, weight}. */
  clusters?: (string | { name: string; weight: number })[];
  status?: number;
  /** The inbound HTTP authorization verdict. */
  verdict?: 'ALLOW' | 'DENY';
}

interface RequestCase {
  name: string;
  sidecar?: SidecarTarget;
  request: SimulatedRequest;
  expect: Expectation;
}

interface CaseFile {
  objects?: unknown[];
  objectsFrom?: string;
  sidecar?: SidecarTarget;
  requests: RequestCase[];
}

function check(result: SimulationResult, want: Expectation): void {
  if (want.listener !== undefined) expect(result.listener).toBe(want.listener);
  if (want.filterChain !== undefined) expect(result.filterChain).toBe(want.filterChain);
  if (want.virtualHost !== undefined) expect(result.virtualHost).toBe(want.virtualHost);
  if (want.route !== undefined) expect(result.route ?? null).toBe(want.route);
  if (want.type !== undefined) expect(result.action.type).toBe(want.type);
  if (want.status !== undefined) {
    expect(result.action.type).not.toBe('forward');
    if (result.action.type !== 'forward' && 'status' in result.action)
      expect(result.action.status).toBe(want.status);
  }
  if (want.verdict !== undefined) expect(result.authorization?.verdict).toBe(want.verdict);
  if (want.clusters !== undefined) {
    expect(result.action.type).toBe('forward');
    const got = result.action.type === 'forward' ? result.action.clusters : [];
    expect(got).toEqual(
      want.clusters.map((c) =>
        typeof c === 'string'
          ? expect.objectContaining({ name: c, defined: true })
          : expect.objectContaining({ ...c, defined: true }),
      ),
    );
  }
}

const files = readdirSync(casesDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('sidecar simulation cases', () => {
  it('has cases', () => {
    expect(files.length).toBeGreaterThan(0);
  });
});

for (const file of files) {
  describe(`sidecar requests in ${file}`, () => {
    const testCase: CaseFile = parse(readFileSync(`${casesDir}${file}`, 'utf8'));
    const fromPath =
      testCase.objectsFrom === undefined ? undefined : `${sidecarDir}${testCase.objectsFrom}`;
    const objects = fromPath
      ? loadObjects(fromPath)
      : (testCase.objects ?? []).map((raw, i) => toValidated(raw, `${file} object ${i}`));
    const resolved = resolvePolicy(objects);
    const fileTarget =
      testCase.sidecar ??
      (fromPath ? parseSidecarTarget(readFileSync(fromPath, 'utf8'), fromPath) : undefined);
    for (const requestCase of testCase.requests)
      it(requestCase.name, () => {
        const target = requestCase.sidecar ?? fileTarget;
        if (!target) throw new Error(`${file}: no sidecar given`);
        const { resources } = runSidecarOn(resolved, objects, target);
        check(simulateRequest(resources, requestCase.request), requestCase.expect);
      });
  });
}
