// Topology: the graph built from the demo's real object lists (Gateway -> route ->
// Services -> Workloads, GAMMA mesh calls, attached policies, missing references) and
// the rendered view (cards link to object pages, the namespace filter narrows it).
import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildTopology,
  capTopology,
  connectedPath,
  filterTopology,
  nodeId,
  POLICY_KINDS,
  ROUTE_KINDS,
  type Topology,
} from '../src/views/topology/graph';
import { TopologyView } from '../src/views/topology';
import { renderSignedIn } from './support/render';
import { GHOST_ROUTE, useConsoleStack } from './support/suite';

const stack = useConsoleStack({}, { home: '/topology' });
beforeAll(async () => {
  // A broken reference: a route whose backend Service does not exist.
  await stack.client().create(GHOST_ROUTE);
});

async function demoTopology(): Promise<Topology> {
  const client = stack.client(stack.tokens.viewer);
  const all = async (kinds: readonly string[]) =>
    (await Promise.all(kinds.map((k) => client.listAll(k, { allNamespaces: true })))).flat();
  return buildTopology({
    gateways: await client.listAll('Gateway', { allNamespaces: true }),
    routes: await all(ROUTE_KINDS),
    services: await client.listAll('Service', { allNamespaces: true }),
    workloads: await client.listAll('Workload', { allNamespaces: true }),
    policies: await all(POLICY_KINDS),
  });
}

const GATEWAY = nodeId('Gateway', 'edge', 'public');
const STOREFRONT = nodeId('HTTPRoute', 'shop', 'storefront');
const FRONTEND = nodeId('Service', 'shop', 'frontend');

describe('topology graph', () => {
  it('links Gateway edge/public -> HTTPRoute shop/storefront -> Service -> Workload', async () => {
    const t = await demoTopology();
    const has = (from: string, to: string) => t.edges.some((e) => e.from === from && e.to === to);
    expect(
      t.edges.filter((e) => e.from === GATEWAY && e.to === STOREFRONT).map((e) => e.label),
    ).toEqual(['http, https']);
    expect(has(STOREFRONT, FRONTEND)).toBe(true);
    expect(has(FRONTEND, nodeId('Workload', 'shop', 'frontend-1'))).toBe(true);
    expect(
      has(nodeId('Service', 'payments', 'payments'), nodeId('Workload', 'payments', 'payments-1')),
    ).toBe(true);
    const columns = Object.fromEntries(t.nodes.map((n) => [n.id, n.column]));
    expect(columns[GATEWAY]).toBe('gateway');
    expect(columns[STOREFRONT]).toBe('route');
    expect(columns[FRONTEND]).toBe('service');
    // Hovering the Gateway lights its path, not the unrelated payments Service.
    const path = connectedPath(t.edges, GATEWAY);
    expect(path.has(nodeId('Workload', 'shop', 'frontend-1'))).toBe(true);
    expect(path.has(nodeId('Service', 'payments', 'payments'))).toBe(false);
  });

  it('shows the GRPCRoute with a Service parent and dependencies as mesh calls', async () => {
    const t = await demoTopology();
    const checkout = nodeId('Service', 'shop', 'checkout');
    expect(t.meshCalls).toContainEqual({
      caller: checkout,
      callee: checkout,
      via: { kind: 'GRPCRoute', namespace: 'shop', name: 'checkout' },
    });
    expect(t.meshCalls).toContainEqual({
      caller: checkout,
      callee: nodeId('Service', 'payments', 'payments'),
      via: 'dependency',
    });
    expect(t.edges).toContainEqual({
      from: checkout,
      to: nodeId('GRPCRoute', 'shop', 'checkout'),
      type: 'parent',
      label: '9090',
    });
  });

  it('attaches policies to payments/payments and to the Gateway (with its listener)', async () => {
    const t = await demoTopology();
    const policies = (id: string) =>
      t.nodes
        .find((n) => n.id === id)!
        .policies.map((p) => `${p.kind}/${p.name}/${p.sectionName ?? ''}`);
    expect(policies(nodeId('Service', 'payments', 'payments')).sort()).toEqual([
      'AuthorizationPolicy/payments-callers/',
      'TrafficPolicy/payments-resilience/',
    ]);
    expect(policies(GATEWAY).sort()).toEqual([
      'AuthenticationPolicy/edge-jwt/https',
      'RateLimitPolicy/edge-limit/',
    ]);
    expect(t.danglingPolicies).toEqual([]);
  });

  it('shows a backendRef to a missing Service as a missing node', async () => {
    const t = await demoTopology();
    const missing = t.nodes.filter((n) => n.missing).map((n) => n.id);
    expect(missing).toEqual([nodeId('Service', 'shop', 'nowhere')]);
    expect(t.edges).toContainEqual({
      from: nodeId('HTTPRoute', 'shop', 'ghost'),
      to: nodeId('Service', 'shop', 'nowhere'),
      type: 'backend',
      label: '80',
    });
  });

  it('filters by namespace keeping one-hop neighbours, and caps drawn nodes', async () => {
    const t = await demoTopology();
    const payments = filterTopology(t, 'payments').nodes.map((n) => n.id);
    expect(payments).toEqual([
      nodeId('Service', 'payments', 'payments'),
      nodeId('Workload', 'payments', 'payments-1'),
    ]);
    const edge = filterTopology(t, 'edge').nodes.map((n) => n.id);
    expect(edge).toContain(STOREFRONT);
    expect(edge).not.toContain(FRONTEND);
    const capped = capTopology(t, 3);
    expect(capped.topology.nodes).toHaveLength(3);
    expect(capped.hidden).toBe(t.nodes.length - 3);
  });
});

describe('topology view', () => {
  it('draws cards that link to the object pages, with policy chips and missing nodes', async () => {
    await renderSignedIn(stack, <TopologyView />, stack.tokens.viewer);
    const gateway = await screen.findByTestId(`node-${GATEWAY}`);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Topology');
    const gatewayLink = within(gateway).getByRole('link', { name: 'edge/public' });
    expect(gatewayLink.getAttribute('href')).toBe('/ui/objects/gateways/edge/public');
    expect(
      within(gateway)
        .getByRole('link', { name: /RateLimit: edge-limit/ })
        .getAttribute('href'),
    ).toBe('/ui/objects/ratelimitpolicies/edge/edge-limit');
    expect(
      within(gateway).getByRole('link', { name: /Authentication: edge-jwt \(https\)/ }),
    ).toBeTruthy();
    const route = screen.getByTestId(`node-${STOREFRONT}`);
    expect(within(route).getByRole('link', { name: 'shop/storefront' }).getAttribute('href')).toBe(
      '/ui/objects/httproutes/shop/storefront',
    );
    expect(route.textContent).toContain('→ Service shop/frontend (80)');
    const missing = screen.getByTestId(`node-${nodeId('Service', 'shop', 'nowhere')}`);
    expect(missing.className).toContain('missing');
    expect(missing.textContent).toContain('missing');
    expect(within(missing).queryByRole('link')).toBeNull();

    // Clicking a card (not a link in it) opens the object.
    fireEvent.click(within(screen.getByTestId(`node-${FRONTEND}`)).getByText('http 80'));
    expect(window.location.pathname).toBe('/ui/objects/services/shop/frontend');
  });

  it('lists mesh calls with the route or "declared dependency"', async () => {
    await renderSignedIn(stack, <TopologyView />, stack.tokens.viewer);
    const table = (await screen.findByText('Caller Service')).closest('table')!;
    const rows = within(table)
      .getAllByRole('row')
      .map((r) => r.textContent);
    expect(rows).toContain('shop/checkoutshop/checkoutGRPCRoute shop/checkout route');
    expect(rows).toContain('shop/frontendpayments/paymentsdeclared dependency');
  });

  it('narrows to a namespace with the filter', async () => {
    await renderSignedIn(stack, <TopologyView />, stack.tokens.viewer);
    await screen.findByTestId(`node-${GATEWAY}`);
    fireEvent.change(screen.getByLabelText('Namespace'), { target: { value: 'payments' } });
    await waitFor(() => expect(screen.queryByTestId(`node-${GATEWAY}`)).toBeNull());
    expect(window.location.search).toBe('?namespace=payments');
    expect(screen.getByTestId(`node-${nodeId('Service', 'payments', 'payments')}`)).toBeTruthy();
    expect(screen.queryByTestId(`node-${FRONTEND}`)).toBeNull();
  });

  // Last: it adds 320 Services in namespace "bulk" to the shared stack.
  it('caps drawn cards with a message to pick a namespace', async () => {
    const services = Array.from({ length: 320 }, (_, i) => ({
      apiVersion: 'crossway.dev/v1alpha1',
      kind: 'Service',
      metadata: { name: `bulk-${String(i).padStart(3, '0')}`, namespace: 'bulk' },
      spec: { ports: [{ name: 'http', port: 80, protocol: 'http' }] },
    }));
    await stack.client().apply(services);
    await renderSignedIn(stack, <TopologyView />, stack.tokens.viewer);
    const cap = await screen.findByText(/Pick a namespace to see the rest/);
    expect(cap.textContent).toMatch(/Showing 300 of \d+ nodes/);
    expect(document.querySelectorAll('[data-node-id]')).toHaveLength(300);
    // The Gateway column comes first, so it is still drawn.
    expect(screen.getByTestId(`node-${GATEWAY}`)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Namespace'), { target: { value: 'payments' } });
    await waitFor(() => expect(screen.queryByText(/Pick a namespace/)).toBeNull());
  });
});
