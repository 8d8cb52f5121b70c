// Edge to mesh mTLS: an edge's clusters to mesh Services originate mTLS with the
// edge's own identity (SDS crossway-identity) and check the Service's SPIFFE ID;
// the receiving sidecar sees the Gateway's principal, so `from.gateways` allows
// exactly that edge (simulated hop by hop, and in explain). External Services keep
// their own TLS, passthrough clusters none, DISABLED none. Proxyless servers:
// PERMISSIVE acts as STRICT with certificate providers, as DISABLED without.
import type { ValidatedObject } from '@crossway/model';
import { resolvePolicy } from '@crossway/policy';
import type { JsonObject } from '@crossway/protos';
import { describe, expect, it } from 'vitest';
import {
  buildEdgeIr,
  buildProxylessIr,
  buildSidecarIr,
  explainEdgeRequest,
  MESH_CERTIFICATE_SDS,
  MESH_TRUST_BUNDLE_SDS,
  simulateRequest,
  translateEdge,
  translateProxyless,
  translateSidecar,
  type EnvoyResources,
} from '../src/index';
import { caseInput, loadObjects, toValidated } from './support/edge-cases';
import { proxylessDir } from './support/proxyless-cases';

const objects = loadObjects(caseInput('edge-to-mesh-mtls'));
const EDGE_ID = 'spiffe://cluster.local/ns/edge/gateway/web';

function edgeOf(input: readonly ValidatedObject[], gateway = 'edge/web') {
  const ir = buildEdgeIr(resolvePolicy(input), gateway);
  if (!ir) throw new Error(`${gateway} did not resolve`);
  return { ir, resources: translateEdge(ir) };
}

function sidecarOf(input: readonly ValidatedObject[], service: string, workload?: string) {
  const ir = buildSidecarIr(resolvePolicy(input), {
    service,
    ...(workload === undefined ? {} : { workload }),
  });
  if (!ir) throw new Error(`${service} did not resolve`);
  return { ir, resources: translateSidecar(ir) };
}

function clusterOf(resources: EnvoyResources, name: string): JsonObject {
  const found = resources.clusters.find((c) => c['name'] === name);
  if (!found) throw new Error(`no cluster ${name}`);
  return found;
}

/** The value at a path of plain JSON (keys and list indexes), or undefined. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      typeof node === 'object' && node !== null
        ? (node as Record<string | number, unknown>)[key]
        : undefined,
    value,
  );
}

/** The UpstreamTlsContext of a cluster (undefined: plaintext). */
function upstreamContext(cluster: JsonObject): unknown {
  return at(cluster, 'transport_socket', 'typed_config');
}

const SAN_PATH = [
  'common_tls_context',
  'combined_validation_context',
  'default_validation_context',
  'match_typed_subject_alt_names',
] as const;

function withMesh(input: readonly ValidatedObject[], mode: string): ValidatedObject[] {
  return input.map((o) =>
    o.kind === 'Mesh'
      ? toValidated({ ...o, spec: { ...o.spec, mtls: { mode } } }, 'mesh override')
      : o,
  );
}

function replacing(input: readonly ValidatedObject[], raw: unknown): ValidatedObject[] {
  const added = toValidated(raw, 'replacement');
  return [
    ...input.filter(
      (o) =>
        !(
          o.kind === added.kind &&
          o.metadata.name === added.metadata.name &&
          o.metadata.namespace === added.metadata.namespace
        ),
    ),
    added,
  ];
}

describe('edge clusters to mesh Services', () => {
  const { ir, resources } = edgeOf(objects);

  it('carry the edge identity of the contract', () => {
    expect(ir.identity).toBe(EDGE_ID);
  });

  it('originate mTLS from the edge certificate to the Service SPIFFE ID (HTTP and TCP)', () => {
    const cases = [
      ['outbound|80||app.shop', 'spiffe://cluster.local/ns/shop/sa/app-sa', 'app.shop'],
      ['outbound|5432||db.shop', 'spiffe://cluster.local/ns/shop/sa/db', 'db.shop'],
    ] as const;
    for (const [name, san, sni] of cases) {
      const context = upstreamContext(clusterOf(resources, name));
      expect(at(context, '@type')).toMatch(/UpstreamTlsContext$/);
      const common = at(context, 'common_tls_context');
      expect(at(common, 'tls_certificate_sds_secret_configs', 0, 'name')).toBe(
        MESH_CERTIFICATE_SDS,
      );
      expect(
        at(common, 'combined_validation_context', 'validation_context_sds_secret_config', 'name'),
      ).toBe(MESH_TRUST_BUNDLE_SDS);
      expect(at(context, ...SAN_PATH)).toEqual([{ san_type: 'URI', matcher: { exact: san } }]);
      expect(at(context, 'sni')).toBe(sni);
    }
  });

  it('match what the receiving sidecar presents and checks', () => {
    const sidecar = sidecarOf(objects, 'shop/app', 'app-1');
    const context = upstreamContext(clusterOf(resources, 'outbound|80||app.shop'));
    const san = at(context, ...SAN_PATH, 0, 'matcher', 'exact');
    expect(san).toBe(sidecar.ir.identity);
    // And the sidecar's own outbound cluster to app is the same upstream TLS.
    const own = sidecarOf(objects, 'shop/db').resources;
    expect(upstreamContext(clusterOf(own, 'outbound|80||app.shop'))).toEqual(context);
  });

  it('are plaintext when the Mesh disables mTLS, and PERMISSIVE still originates it', () => {
    const disabled = edgeOf(withMesh(objects, 'DISABLED')).resources;
    expect(upstreamContext(clusterOf(disabled, 'outbound|80||app.shop'))).toBeUndefined();
    const permissive = edgeOf(withMesh(objects, 'PERMISSIVE')).resources;
    expect(upstreamContext(clusterOf(permissive, 'outbound|80||app.shop'))).toBeDefined();
  });

  it('leave TLS passthrough clusters alone: the client TLS goes through', () => {
    const passthrough = edgeOf(loadObjects(caseInput('tls-passthrough')), 'edge/l4').resources;
    const names = passthrough.clusters.map((c) => String(c['name']));
    expect(names).toContain('outbound|5672||queue.data');
    for (const cluster of passthrough.clusters) {
      const context = upstreamContext(cluster);
      // Only the terminated route's backend (queue) originates mesh mTLS.
      if (cluster['name'] === 'outbound|5672||queue.data') expect(context).toBeDefined();
      else expect(context).toBeUndefined();
    }
  });

  it('keep an external Service own TLS', () => {
    const external = replacing(objects, {
      apiVersion: 'crossway.dev/v1alpha1',
      kind: 'Service',
      metadata: { name: 'app', namespace: 'shop' },
      spec: {
        ports: [{ name: 'http', port: 80, protocol: 'http' }],
        external: {
          endpoints: [{ address: 'app.example.net' }],
          resolution: 'DNS',
          tls: { sni: 'app.example.net' },
        },
      },
    });
    const context = upstreamContext(clusterOf(edgeOf(external).resources, 'outbound|80||app.shop'));
    expect(at(context, 'sni')).toBe('app.example.net');
    expect(JSON.stringify(context)).not.toContain(MESH_CERTIFICATE_SDS);
  });
});

describe('an edge request into a sidecar inbound', () => {
  const edge = edgeOf(objects);
  const sidecar = sidecarOf(objects, 'shop/app', 'app-1');

  /** Edge hop, then the sidecar hop over mTLS with the certificate the edge cluster presents. */
  function hop(principal: string) {
    const atEdge = simulateRequest(edge.resources, {
      port: 8080,
      host: 'app.example.com',
      path: '/',
    });
    expect(atEdge.action.type).toBe('forward');
    const cluster = atEdge.action.type === 'forward' ? atEdge.action.clusters[0]?.name : undefined;
    const presents = upstreamContext(clusterOf(edge.resources, cluster ?? ''));
    expect(presents).toBeDefined();
    return simulateRequest(sidecar.resources, {
      port: 10080,
      host: 'app.example.com',
      path: '/',
      tls: true,
      source: { principal },
    });
  }

  it('carries the gateway principal and is allowed by from.gateways', () => {
    const result = hop(edge.ir.identity);
    expect(result.filterChain).toBe('sidecar/shop/app/inbound/10080/mtls');
    expect(result.authorization?.verdict).toBe('ALLOW');
    expect(result.action.type).toBe('forward');
  });

  it('is denied for another Gateway and for a workload identity', () => {
    const other = edgeOf(objects).ir.identity.replace('/gateway/web', '/gateway/other');
    expect(hop(other).authorization?.verdict).toBe('DENY');
    expect(hop('spiffe://cluster.local/ns/edge/sa/web').authorization?.verdict).toBe('DENY');
  });
});

describe('explain at the edge', () => {
  const ask = { gateway: 'edge/web', host: 'app.example.com', path: '/' };

  it('authorizes at the mesh backend with the edge identity', () => {
    const outcome = explainEdgeRequest(resolvePolicy(objects), ask);
    expect(outcome.ok && outcome.result.authorization.verdict).toBe('ALLOW');
    expect(outcome.ok && outcome.result.policies.map((p) => p.name)).toContain('edge-only');
  });

  it('denies when the policy names another Gateway, by that policy', () => {
    const other = replacing(objects, {
      apiVersion: 'crossway.dev/v1alpha1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'edge-only', namespace: 'shop' },
      spec: {
        targetRef: { kind: 'Service', name: 'app' },
        action: 'ALLOW',
        rules: [{ from: [{ gateways: ['edge/other'] }] }],
      },
    });
    const outcome = explainEdgeRequest(resolvePolicy(other), ask);
    if (!outcome.ok) throw new Error('explain failed');
    expect(outcome.result.authorization).toMatchObject({ verdict: 'DENY' });
    expect(outcome.result.response).toEqual({ status: 403 });
  });

  it('gives the edge no identity when the Mesh disables mTLS', () => {
    const outcome = explainEdgeRequest(resolvePolicy(withMesh(objects, 'DISABLED')), ask);
    expect(outcome.ok && outcome.result.authorization.verdict).toBe('DENY');
  });
});

describe('proxyless servers', () => {
  const load = (name: string) => loadObjects(`${proxylessDir}${name}.in.yaml`);
  const port = 29090;

  function server(input: readonly ValidatedObject[], certificateProviders: boolean) {
    const ir = buildProxylessIr(resolvePolicy(input), {
      service: 'payments/payments',
      certificateProviders,
    });
    if (!ir) throw new Error('payments did not resolve');
    return { ir, resources: translateProxyless(ir) };
  }

  const plain = { port, host: 'payments.payments:9090', path: '/pkg.Payments/Pay', method: 'POST' };
  const mtls = { ...plain, tls: true, source: { principal: EDGE_ID } };

  it('PERMISSIVE with certificate providers acts as STRICT', () => {
    const { ir, resources } = server(load('server-permissive-providers'), true);
    expect(ir.security.serverMode).toBe('STRICT');
    expect(ir.security.note).toMatch(/PERMISSIVE.*act as STRICT/);
    expect(simulateRequest(resources, plain).action.type).toBe('no-filter-chain');
    expect(simulateRequest(resources, { ...plain, tls: true }).action.type).toBe(
      'tls-handshake-failed',
    );
    // non_forwarding_action: the gRPC server handles the call itself.
    expect(simulateRequest(resources, mtls).action.type).toBe('direct');
  });

  it('PERMISSIVE without certificate providers acts as DISABLED', () => {
    const { ir, resources } = server(load('server-permissive-no-providers'), false);
    expect(ir.security.serverMode).toBe('DISABLED');
    expect(ir.security.note).toMatch(/PERMISSIVE.*act as DISABLED/);
    expect(simulateRequest(resources, plain).action.type).toBe('direct');
    expect(simulateRequest(resources, mtls).action.type).toBe('tls-handshake-failed');
  });

  it('enforce from.gateways on the edge principal', () => {
    const input = [
      ...load('server-permissive-providers'),
      toValidated(
        {
          apiVersion: 'crossway.dev/v1alpha1',
          kind: 'AuthorizationPolicy',
          metadata: { name: 'edge-only', namespace: 'payments' },
          spec: {
            targetRef: { kind: 'Service', name: 'payments' },
            action: 'ALLOW',
            rules: [{ from: [{ gateways: ['edge/web'] }] }],
          },
        },
        'policy',
      ),
    ];
    const { resources } = server(input, true);
    expect(simulateRequest(resources, mtls).authorization?.verdict).toBe('ALLOW');
    const other = { ...mtls, source: { principal: EDGE_ID.replace('/web', '/other') } };
    expect(simulateRequest(resources, other).authorization?.verdict).toBe('DENY');
    const workload = { ...mtls, source: { principal: 'spiffe://cluster.local/ns/edge/sa/web' } };
    expect(simulateRequest(resources, workload).authorization?.verdict).toBe('DENY');
  });
});
