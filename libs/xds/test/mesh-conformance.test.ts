// GAMMA conformance request cases (testdata/simulate-mesh/*.yaml) for HTTPRoutes
// with Service parents: each request is sent by a caller Service (`source`)
// through the translated config of the caller's data plane, for both mesh roles:
// - sidecar: its default outbound listener (127.0.0.1:15001), Host-routed;
// - proxyless: the client Listener named "<host>:<port>" (what xds:///<host>:<port>
//   selects; a bare host uses the Service's lowest port, as the sidecar does).
// `proxyless:` overrides the expectation where gRPC differs (no redirects or
// header rewrites: those are left out and reported as UnsupportedForRole).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolvePolicy, type ResolvedPolicy } from '@crossway/policy';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  buildProxylessIr,
  buildSidecarIr,
  DEFAULT_OUTBOUND_PORT,
  simulateRequest,
  translateProxyless,
  translateSidecar,
  type EnvoyResources,
} from '../src/index';
import { toValidated } from './support/edge-cases';
import { checkSimulation, type Expectation } from './support/simulation-expect';

const casesDir = fileURLToPath(new URL('../testdata/simulate-mesh/', import.meta.url));

interface MeshRequest {
  host: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
}

interface MeshCase {
  name: string;
  source: string;
  request: MeshRequest;
  expect: Expectation;
  /** Where a proxyless client differs; `skip` when the case does not apply to gRPC. */
  proxyless?: Expectation | 'skip';
}

interface CaseFile {
  objects: unknown[];
  requests: MeshCase[];
}

function withApiVersion(raw: unknown): unknown {
  return typeof raw === 'object' && raw !== null
    ? { apiVersion: 'crossway.dev/v1alpha1', ...raw }
    : raw;
}

/** "host:port" as a gRPC client would dial it; a bare host gets the Service's lowest port. */
function grpcTarget(resolved: ResolvedPolicy, host: string): string {
  if (/:\d+$/.test(host)) return host;
  const service = resolved.services.find((s) => s.hosts.includes(host));
  const port = service?.ports[0]?.port;
  return port === undefined ? host : `${host}:${port}`;
}

const files = readdirSync(casesDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

for (const file of files) {
  const testCase: CaseFile = parse(readFileSync(`${casesDir}${file}`, 'utf8'));
  const resolved = resolvePolicy(
    testCase.objects.map((raw, i) => toValidated(withApiVersion(raw), `${file} object ${i}`)),
  );
  const sidecars = new Map<string, EnvoyResources>();
  const clients = new Map<string, EnvoyResources>();
  const sidecarOf = (source: string): EnvoyResources => {
    const cached = sidecars.get(source);
    if (cached) return cached;
    const ir = buildSidecarIr(resolved, { service: source });
    if (!ir) throw new Error(`${file}: no Service ${source}`);
    const resources = translateSidecar(ir);
    sidecars.set(source, resources);
    return resources;
  };
  const clientOf = (source: string): EnvoyResources => {
    const cached = clients.get(source);
    if (cached) return cached;
    const ir = buildProxylessIr(resolved, { service: source });
    if (!ir) throw new Error(`${file}: no Service ${source}`);
    const resources = translateProxyless(ir);
    clients.set(source, resources);
    return resources;
  };

  describe(`GAMMA cases in ${file} through a sidecar`, () => {
    it('every object resolves without a condition other than True', () => {
      const notable = resolved.statuses.flatMap((s) =>
        [...(s.status.conditions ?? []), ...(s.status.parents ?? []).flatMap((p) => p.conditions)]
          .filter((c) => c.status !== 'True' && c.type !== 'RuleShadowed')
          .map((c) => `${s.kind} ${s.namespace ?? ''}/${s.name}: ${c.type} ${c.reason}`),
      );
      expect(notable).toEqual([]);
    });
    for (const c of testCase.requests)
      it(`${c.name} (from ${c.source})`, () => {
        const result = simulateRequest(sidecarOf(c.source), {
          port: DEFAULT_OUTBOUND_PORT,
          ...c.request,
        });
        checkSimulation(result, c.expect);
      });
  });

  describe(`GAMMA cases in ${file} through a proxyless gRPC client`, () => {
    for (const c of testCase.requests) {
      if (c.proxyless === 'skip') continue;
      const want = c.proxyless ?? c.expect;
      it(`${c.name} (from ${c.source})`, () => {
        const target = grpcTarget(resolved, c.request.host);
        const result = simulateRequest(clientOf(c.source), {
          port: 0,
          listener: target,
          ...c.request,
          host: target,
        });
        checkSimulation(result, want);
      });
    }
  });
}
