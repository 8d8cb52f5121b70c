// The emitted RBAC filters and the policy layer agree: every request of the
// http-filter simulation cases gets the same verdict from the simulator (which
// reads only the Envoy config) as from evaluateAuthorization on the model.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ValidatedObject } from '@crossway/model';
import {
  authorizationFor,
  evaluateAuthorization,
  resolvePolicy,
  type ReceiverTarget,
} from '@crossway/policy';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { simulateRequest, type SimulatedRequest } from '../src/index';
import { edgeDir, loadObjects, runEdge, toValidated } from './support/edge-cases';

const dir = fileURLToPath(new URL('../testdata/simulate/http-filters/', import.meta.url));

interface CaseFile {
  objects?: unknown[];
  objectsFrom?: string;
  requests: { name: string; request: SimulatedRequest }[];
}

/** The receiver an edge host set on `port` enforces: the section when one listener serves the port. */
function edgeTarget(objects: readonly ValidatedObject[], port: number): ReceiverTarget {
  const gateway = objects.find((o) => o.kind === 'Gateway');
  if (gateway?.kind !== 'Gateway') throw new Error('no Gateway');
  const namespace = gateway.metadata.namespace ?? 'default';
  const name = gateway.metadata.name;
  const onPort = gateway.spec.listeners.filter((l) => l.port === port);
  const [only] = onPort;
  return onPort.length === 1 && only
    ? { kind: 'Gateway', namespace, name, sectionName: only.name }
    : { kind: 'Gateway', namespace, name };
}

/** The client address an edge sees: X-Forwarded-For with one trusted hop, as in the cases. */
function clientIp(request: SimulatedRequest, hops: number): string | undefined {
  const xff = request.headers?.['x-forwarded-for'];
  if (hops === 0 || xff === undefined) return request.source?.ip;
  const entries = xff.split(',').map((e) => e.trim());
  return entries[entries.length - hops] ?? request.source?.ip;
}

const files = readdirSync(dir)
  .filter((f) => f.startsWith('authz-') && f.endsWith('.yaml'))
  .sort();

describe('RBAC config and evaluateAuthorization agree', () => {
  it('has authorization cases', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    const testCase: CaseFile = parse(readFileSync(`${dir}${file}`, 'utf8'));
    const objects =
      testCase.objectsFrom !== undefined
        ? loadObjects(`${edgeDir}${testCase.objectsFrom}`)
        : (testCase.objects ?? []).map((raw, i) => toValidated(raw, `${file} object ${i}`));
    const resolved = resolvePolicy(objects);
    const { resources } = runEdge(objects);
    const gateway = objects.find((o) => o.kind === 'Gateway');
    const hops =
      gateway?.kind === 'Gateway' ? (gateway.spec.clientIPDetection?.xffNumTrustedHops ?? 0) : 0;
    for (const { name, request } of testCase.requests)
      it(`${file}: ${name}`, () => {
        const simulated = simulateRequest(resources, request);
        // A request jwt_authn refused never reaches RBAC.
        if (simulated.jwt?.result === 'rejected') return;
        const token = request.token;
        const verified = simulated.jwt?.result === 'verified' && token && 'claims' in token;
        const model = evaluateAuthorization(
          authorizationFor(resolved, edgeTarget(objects, request.port)),
          {
            // Edge clients have no mesh identity: only their address.
            source: { ip: clientIp(request, hops) },
            method: request.method ?? 'GET',
            path: request.path,
            host: request.host,
            port: request.port,
            headers: request.headers,
            jwtClaims: verified ? token.claims : undefined,
          },
        );
        expect(simulated.authorization?.verdict ?? 'ALLOW').toBe(model.verdict);
      });
  }
});
