// Gateway API conformance-style request cases (testdata/simulate/*.yaml): each file
// holds model objects (inline, or `objectsFrom` an edge golden input) and requests
// with what Envoy should do with them, checked with simulateRequest on the
// translated resources of the file's first Gateway.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { parse } from 'yaml';
import { simulateRequest, type SimulatedRequest } from '../src/index';
import { edgeDir, loadObjects, runEdge, toValidated } from './support/edge-cases';
import { checkSimulation, type Expectation } from './support/simulation-expect';

const simulateDir = fileURLToPath(new URL('../testdata/simulate/', import.meta.url));

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
        checkSimulation(simulateRequest(resources, requestCase.request), requestCase.expect);
      });
    }
  });
}
