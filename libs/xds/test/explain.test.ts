// Explain over the edge: the matched rule, the rules it beat, the policies in
// force, the authorization verdict, the backends and the Envoy names, for the
// demo and for a purpose-built set of routes and policies.
import { fileURLToPath } from 'node:url';
import { resolvePolicy } from '@crossway/policy';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { explainEdgeRequest, explainRequest, type ExplainResult } from '../src/index';
import { loadObjects, toValidated } from './support/edge-cases';

const shop = resolvePolicy(
  loadObjects(fileURLToPath(new URL('../../../examples/shop.yaml', import.meta.url))),
);

const contested = resolvePolicy(
  parseAllDocuments(`
kind: Gateway
metadata: { name: gw, namespace: edge }
spec:
  listeners: [{ name: http, port: 80, protocol: HTTP, allowedRoutes: { namespaces: { from: All } } }]
---
kind: Service
metadata: { name: a, namespace: apps }
spec: { ports: [{ name: http, port: 80, protocol: http }] }
---
kind: Service
metadata: { name: b, namespace: apps }
spec: { ports: [{ name: http, port: 80, protocol: http }] }
---
kind: HTTPRoute
metadata: { name: catch-all, namespace: apps, creationTimestamp: '2024-01-01T00:00:00Z' }
spec:
  parentRefs: [{ kind: Gateway, name: gw, namespace: edge }]
  rules: [{ backendRefs: [{ name: a, port: 80 }] }]
---
kind: HTTPRoute
metadata: { name: exact, namespace: apps, creationTimestamp: '2024-02-01T00:00:00Z' }
spec:
  parentRefs: [{ kind: Gateway, name: gw, namespace: edge }]
  rules:
    - matches: [{ path: { type: Exact, value: /orders } }]
      backendRefs: [{ name: b, port: 80, weight: 3 }, { name: a, port: 80, weight: 1 }]
    - matches: [{ path: { type: PathPrefix, value: /orders } }]
      backendRefs: [{ name: b, port: 80 }]
---
kind: TrafficPolicy
metadata: { name: gw-timeouts, namespace: edge }
spec:
  targetRef: { kind: Gateway, name: gw }
  timeouts: { request: 10s }
---
kind: AuthorizationPolicy
metadata: { name: no-admin, namespace: edge }
spec:
  targetRef: { kind: Gateway, name: gw }
  action: DENY
  rules: [{ to: [{ paths: ['/admin*'] }] }]
`).map((d, i) => toValidated({ apiVersion: 'crossway.dev/v1alpha1', ...d.toJS() }, `doc ${i}`)),
);

function explained(outcome: ReturnType<typeof explainEdgeRequest>): ExplainResult {
  if (!outcome.ok) throw new Error(JSON.stringify(outcome));
  return outcome.result;
}

describe('explain at the edge', () => {
  it('names the matched rule, the rules it beat, the backends and the Envoy resources', () => {
    const result = explained(
      explainEdgeRequest(contested, { gateway: 'edge/gw', host: 'any.example', path: '/orders' }),
    );
    expect(result.matched).toMatchObject({
      route: { kind: 'HTTPRoute', namespace: 'apps', name: 'exact' },
      rule: 0,
    });
    expect(result.beaten.map((b) => `${b.route.name}/${b.rule}`)).toEqual([
      'exact/1',
      'catch-all/0',
    ]);
    expect(result.backends).toEqual([
      { service: 'apps/b', port: 80, weight: 3 },
      { service: 'apps/a', port: 80, weight: 1 },
    ]);
    expect(result.envoy).toMatchObject({
      listener: 'gateway/edge/gw/port/80',
      routeConfiguration: 'gateway/edge/gw/port/80',
      virtualHost: '*',
      route: result.matched?.entry,
      clusters: ['outbound|80||b.apps', 'outbound|80||a.apps'],
    });
    expect(result.authorization).toMatchObject({ verdict: 'ALLOW', reason: 'Default' });
    expect(result.policies).toContainEqual({
      kind: 'TrafficPolicy',
      namespace: 'edge',
      name: 'gw-timeouts',
      fields: ['timeouts'],
      targetRef: { kind: 'Gateway', name: 'gw' },
    });
  });

  it('segment prefixes: /orders/1 goes to the prefix rule, /ordersx to the catch-all', () => {
    const prefix = explained(
      explainEdgeRequest(contested, { gateway: 'edge/gw', host: 'h', path: '/orders/1' }),
    );
    expect(prefix.matched).toMatchObject({ route: { name: 'exact' }, rule: 1 });
    expect(prefix.envoy.cluster).toBe('outbound|80||b.apps');
    const other = explained(
      explainEdgeRequest(contested, { gateway: 'edge/gw', host: 'h', path: '/ordersx' }),
    );
    expect(other.matched).toMatchObject({ route: { name: 'catch-all' } });
    expect(other.beaten).toEqual([]);
  });

  it('a DENY policy answers 403 and names itself', () => {
    const result = explained(
      explainEdgeRequest(contested, { gateway: 'edge/gw', host: 'h', path: '/admin/users' }),
    );
    expect(result.authorization).toEqual({
      verdict: 'DENY',
      reason: 'DenyMatched',
      by: { kind: 'AuthorizationPolicy', namespace: 'edge', name: 'no-admin', rule: 0 },
    });
    expect(result.response).toEqual({ status: 403 });
  });

  it('the demo: HTTPS on the listener port, policies of the https section', () => {
    const result = explained(
      explainEdgeRequest(shop, {
        gateway: 'edge/public',
        host: 'shop.example.com',
        path: '/api/items',
        tls: true,
      }),
    );
    expect(result.matched).toMatchObject({ route: { name: 'storefront' } });
    expect(result.envoy.listener).toBe('gateway/edge/public/port/8443');
    expect(result.backends).toEqual([{ service: 'shop/frontend', port: 80, weight: 1 }]);
    const names = result.policies.map((p) => `${p.kind}/${p.name}`);
    expect(names).toContain('RateLimitPolicy/edge-limit');
    expect(names).toContain('AuthenticationPolicy/edge-jwt');
  });

  it('no route: 404 with nothing matched; unknown gateway and port are reported', () => {
    const result = explained(
      explainEdgeRequest(shop, { gateway: 'edge/public', host: 'other.example', path: '/' }),
    );
    expect(result.matched).toBeNull();
    expect(result.response).toEqual({ status: 404 });
    expect(explainEdgeRequest(shop, { gateway: 'edge/nope', host: 'h', path: '/' })).toEqual({
      ok: false,
      notFound: 'Gateway edge/nope not found',
    });
    expect(
      explainEdgeRequest(shop, { gateway: 'edge/public', port: 9999, host: 'h', path: '/' }),
    ).toMatchObject({ ok: false, invalid: [{ path: 'port' }] });
  });
});

describe('explain for a mesh caller', () => {
  const payment = {
    host: 'payments.payments',
    path: '/shop.v1.Payments/Charge',
    method: 'POST',
    headers: { 'content-type': 'application/grpc' },
  };

  it('checkout may call payments: the ALLOW policy names the rule that let it in', () => {
    const result = explained(explainRequest(shop, { source: 'shop/checkout', ...payment }));
    expect(result.backends).toEqual([{ service: 'payments/payments', port: 9090, weight: 1 }]);
    expect(result.matched).toMatchObject({ route: { kind: 'Service', name: 'payments' } });
    expect(result.authorization).toEqual({
      verdict: 'ALLOW',
      reason: 'AllowMatched',
      by: { kind: 'AuthorizationPolicy', namespace: 'payments', name: 'payments-callers', rule: 0 },
    });
    expect(result.envoy).toMatchObject({
      listener: 'sidecar/shop/checkout/outbound/15001',
      virtualHost: 'payments.payments:9090',
      cluster: 'outbound|9090||payments.payments',
    });
    const names = result.policies.map((p) => `${p.kind}/${p.name}:${p.fields.join(',')}`);
    expect(names).toContain(
      'TrafficPolicy/payments-resilience:connectionLimits,loadBalancer,outlierDetection',
    );
    expect(names).toContain('AuthorizationPolicy/payments-callers:action:ALLOW');
  });

  it('frontend may not call payments directly: denied with 403', () => {
    const result = explained(explainRequest(shop, { source: 'shop/frontend', ...payment }));
    expect(result.authorization).toMatchObject({ verdict: 'DENY', reason: 'NoAllowMatched' });
    expect(result.response).toEqual({ status: 403 });
  });

  it('a proxyless caller goes through the client Listener named host:port', () => {
    const result = explained(
      explainRequest(shop, {
        source: 'shop/frontend',
        role: 'proxyless',
        host: 'checkout.shop',
        path: '/shop.v1.Checkout/PlaceOrder',
        method: 'POST',
        headers: { 'content-type': 'application/grpc' },
      }),
    );
    expect(result.envoy.listener).toBe('checkout.shop:9090');
    expect(result.matched).toMatchObject({
      route: { kind: 'GRPCRoute', name: 'checkout' },
      rule: 0,
    });
    expect(result.beaten.map((b) => b.rule)).toEqual([1]);
    expect(result.backends).toEqual([{ service: 'shop/checkout', port: 9090, weight: 1 }]);
  });

  it('an unknown caller is not found', () => {
    expect(explainRequest(shop, { source: 'shop/nobody', host: 'h', path: '/' })).toEqual({
      ok: false,
      notFound: 'Service shop/nobody not found',
    });
  });
});
