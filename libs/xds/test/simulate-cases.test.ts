// Gateway API conformance-style request cases (testdata/simulate/*.yaml): each file
// holds model objects (inline, or `objectsFrom` an edge golden input) and requests
// with what Envoy should do with them, checked with simulateRequest on the
// translated resources of the file's first Gateway.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { simulateRequest, type SimulatedRequest, type SimulationResult } from '../src/index';
import { edgeDir, loadObjects, runEdge, toValidated } from './support/edge-cases';

const simulateDir = fileURLToPath(new URL('../testdata/simulate/', import.meta.url));

interface ExpectedCluster {
  name: string;
  weight?: number;
  defined?: boolean;
}

interface Expectation {
  listener?: string;
  filterChain?: string | number;
  virtualHost?: string;
  /** null: no route matched. */
  route?: string | null;
  type?: SimulationResult['action']['type'];
  clusters?: (string | ExpectedCluster)[];
  status?: number;
  location?: string;
  requestHeadersAdded?: Record<string, string>;
}

interface RequestCase {
  name?: string;
  /** A translation bug the case shows: the test asserts that it still fails. */
  knownBug?: string;
  request: SimulatedRequest;
  expect: Expectation;
}

interface CaseFile {
  objects?: unknown[];
  objectsFrom?: string;
  requests: RequestCase[];
}

function loadCase(file: string): CaseFile {
  const raw: CaseFile = parse(readFileSync(`${simulateDir}${file}`, 'utf8'));
  return raw;
}

/** The HTTP status the client sees; undefined when the connection is refused. */
function statusOf(result: SimulationResult): number | undefined {
  const { action } = result;
  if (action.type === 'forward')
    return action.clusters.every((c) => !c.defined) ? action.clusterNotFoundStatus : 200;
  if (action.type === 'no-listener' || action.type === 'no-filter-chain') return undefined;
  return action.status;
}

function describeRequest({ request, expect: want }: RequestCase): string {
  const target = `${request.method ?? 'GET'} ${request.tls === true || request.sni !== undefined ? 'https' : 'http'}://${request.host}${request.path} on port ${request.port}`;
  const outcome =
    want.route === null
      ? 'matches no route'
      : want.route !== undefined
        ? `selects ${want.route}`
        : want.location !== undefined
          ? `redirects to ${want.location}`
          : `gives ${want.status ?? want.type ?? 'the expected result'}`;
  const headers = Object.entries(request.headers ?? {}).map(([k, v]) => `${k}: ${v}`);
  return `${target}${headers.length > 0 ? ` with ${headers.join(', ')}` : ''} ${outcome}`;
}

function check(result: SimulationResult, want: Expectation): void {
  if (want.listener !== undefined) expect(result.listener).toBe(want.listener);
  if (want.filterChain !== undefined) expect(result.filterChain).toBe(want.filterChain);
  if (want.virtualHost !== undefined) expect(result.virtualHost).toBe(want.virtualHost);
  if (want.route !== undefined) expect(result.route ?? null).toBe(want.route);
  if (want.type !== undefined) expect(result.action.type).toBe(want.type);
  if (want.status !== undefined) expect(statusOf(result)).toBe(want.status);
  if (want.clusters !== undefined) {
    // HTTP forwards and L4 tcp_proxy both name clusters.
    expect(['forward', 'tcp-proxy']).toContain(result.action.type);
    const got =
      result.action.type === 'forward' || result.action.type === 'tcp-proxy'
        ? result.action.clusters
        : [];
    expect(got).toEqual(
      want.clusters.map((c) =>
        typeof c === 'string'
          ? expect.objectContaining({ name: c })
          : expect.objectContaining({ ...c }),
      ),
    );
  }
  if (want.location !== undefined) {
    expect(result.action.type).toBe('redirect');
    if (result.action.type === 'redirect') expect(result.action.location).toBe(want.location);
  }
  if (want.requestHeadersAdded !== undefined) {
    const added = Object.fromEntries(
      (result.requestHeadersAdded ?? []).map((h) => [h.name, h.value]),
    );
    expect(added).toEqual(want.requestHeadersAdded);
  }
}

const files = readdirSync(simulateDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

for (const file of files) {
  describe(`simulated requests in ${file}`, () => {
    const testCase = loadCase(file);
    const objects =
      testCase.objectsFrom !== undefined
        ? loadObjects(`${edgeDir}${testCase.objectsFrom}`)
        : (testCase.objects ?? []).map((raw, i) => toValidated(raw, `${file} object ${i}`));
    const { resources } = runEdge(objects);
    for (const requestCase of testCase.requests) {
      const name = requestCase.name ?? describeRequest(requestCase);
      const test = requestCase.knownBug === undefined ? it : it.fails;
      const title =
        requestCase.knownBug === undefined ? name : `${name} (known bug: ${requestCase.knownBug})`;
      test(title, () => {
        check(simulateRequest(resources, requestCase.request), requestCase.expect);
      });
    }
  });
}
