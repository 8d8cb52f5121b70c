// The L4 part of the edge IR (TLS and TCP ports), from small inline Gateways.
import { resolvePolicy } from '@crossway/policy';
import { describe, expect, it } from 'vitest';
import { buildEdgeIr, simulateRequest, translateEdge } from '../src/index';
import { caseInput, loadObjects, toValidated } from './support/edge-cases';

const service = (name: string, protocol: string) => [
  {
    apiVersion: 'crossway.dev/v1alpha1',
    kind: 'Service',
    metadata: { name, namespace: 'edge' },
    spec: { ports: [{ name: 'main', port: 443, protocol }] },
  },
  {
    apiVersion: 'crossway.dev/v1alpha1',
    kind: 'Workload',
    metadata: { name: `${name}-1`, namespace: 'edge' },
    spec: { service: name, address: '10.0.0.1', ports: [{ name: 'main', port: 8443 }] },
  },
];

const tlsRoute = (name: string, section: string, backend: string, hostnames: string[] = []) => ({
  apiVersion: 'crossway.dev/v1alpha1',
  kind: 'TLSRoute',
  metadata: { name, namespace: 'edge' },
  spec: {
    parentRefs: [{ name: 'gw', sectionName: section }],
    hostnames,
    rules: [{ backendRefs: [{ name: backend, port: 443 }] }],
  },
});

function edge(listeners: unknown[], more: unknown[]) {
  const objects = [
    {
      apiVersion: 'crossway.dev/v1alpha1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'edge' },
      spec: { listeners },
    },
    ...more,
  ].map((raw, i) => toValidated(raw, `object ${i}`));
  const ir = buildEdgeIr(resolvePolicy(objects), 'edge/gw');
  if (!ir) throw new Error('gateway did not resolve');
  return ir;
}

describe('edge L4 listeners', () => {
  it('serves two TLS listeners on one port as one listener with a chain each', () => {
    const ir = edge(
      [
        {
          name: 'a',
          port: 443,
          protocol: 'TLS',
          hostname: 'a.example.com',
          tls: { mode: 'Passthrough' },
        },
        {
          name: 'b',
          port: 443,
          protocol: 'TLS',
          hostname: 'b.example.com',
          tls: { mode: 'Passthrough' },
        },
      ],
      [
        ...service('a', 'tls'),
        ...service('b', 'tls'),
        tlsRoute('ra', 'a', 'a'),
        tlsRoute('rb', 'b', 'b'),
      ],
    );
    expect(ir.listeners).toEqual([]);
    expect(ir.l4Listeners).toHaveLength(1);
    expect(ir.l4Listeners[0]?.chains.map((c) => [c.section, c.serverNames])).toEqual([
      ['a', ['a.example.com']],
      ['b', ['b.example.com']],
    ]);
    expect(ir.backends.map((b) => b.cluster)).toEqual([
      'outbound|443||a.edge',
      'outbound|443||b.edge',
    ]);
  });

  it('lets the first listener on a port decide: a TLS listener after HTTPS is not served', () => {
    const cert = loadObjects(caseInput('https-listener')).find(
      (o) => o.kind === 'Secret' && o.metadata.name === 'shop-cert',
    );
    const ir = edge(
      [
        {
          name: 'web',
          port: 443,
          protocol: 'HTTPS',
          hostname: 'www.example.com',
          tls: { certificateRefs: [{ name: 'shop-cert' }] },
        },
        {
          name: 'raw',
          port: 443,
          protocol: 'TLS',
          hostname: 'raw.example.com',
          tls: { mode: 'Passthrough' },
        },
      ],
      [cert, ...service('raw', 'tls'), tlsRoute('raw', 'raw', 'raw')],
    );
    expect(ir.listeners.map((l) => [l.port, l.protocol])).toEqual([[443, 'HTTPS']]);
    expect(ir.l4Listeners).toEqual([]);
  });

  it('keeps a chain whose backends are all missing, and Envoy closes its connections', () => {
    const ir = edge(
      [{ name: 'tls', port: 443, protocol: 'TLS', tls: { mode: 'Passthrough' } }],
      [tlsRoute('gone', 'tls', 'missing', ['gone.example.com'])],
    );
    expect(ir.l4Listeners[0]?.chains.map((c) => [c.serverNames, c.backends])).toEqual([
      [['gone.example.com'], []],
    ]);
    const result = simulateRequest(translateEdge(ir), {
      port: 443,
      host: 'gone.example.com',
      path: '/',
      tls: true,
    });
    expect(result.action.type).toBe('connection-closed');
  });
});
