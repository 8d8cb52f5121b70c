// Data planes against a real API and control plane: an edge of Gateway edge/public that
// ACKs everything and a sidecar of Service shop/catalog that NACKs its clusters. The
// list's badges and state filter, the NACKer's page (error, objects behind it), the
// config viewer, a viewer's access, Preview (form, listeners, bad targets) and a proxy
// that is gone.
import type { ProxyInfo } from '@crossway/client';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectHref } from '../src/links';
import { hrefOf, navigate } from '../src/router';
import { DataPlaneList, DataPlanePage, PreviewPage } from '../src/views/dataplanes';
import { resourceName } from '../src/views/dataplanes/resources';
import { type TestDataPlane } from './support/data-planes';
import { renderSignedIn } from './support/render';
import { closeAll, connectEdgeAndNacker, useConsoleStack } from './support/suite';

const EDGE = 'edge-public-1';
const NACKER = 'catalog-sidecar-nacker';
const NACK_ERROR = 'cluster shop/catalog: unknown field "lbPolicyX" in typed config';

const stack = useConsoleStack({ controlPlane: true }, { home: '/dataplanes' });
const planes: TestDataPlane[] = [];
let nacker: ProxyInfo;

beforeAll(async () => {
  nacker = await connectEdgeAndNacker(stack, planes, {
    edge: EDGE,
    nacker: NACKER,
    nackError: NACK_ERROR,
  });
}, 30_000);
afterAll(() => closeAll(planes));

const row = (id: string) => screen.getByTestId(`dp-${id}`);

describe('data plane list', () => {
  it('shows both proxies with their sync badges, targets and the NACK, NACKed first', async () => {
    await renderSignedIn(stack, <DataPlaneList />);
    await screen.findByRole('link', { name: NACKER });
    expect(within(row(NACKER)).getByText('NACKed')).toBeTruthy();
    expect(within(row(EDGE)).getByText('synced')).toBeTruthy();
    expect(row(NACKER).textContent).toContain(`clusters: ${NACK_ERROR.slice(0, 40)}`);
    // NACKed on top.
    const ids = screen.getAllByRole('row').map((r) => r.getAttribute('data-testid'));
    expect(ids.filter(Boolean)).toEqual([`dp-${NACKER}`, `dp-${EDGE}`]);
    // Links: the proxy page and the target's object page.
    expect(screen.getByRole('link', { name: EDGE }).getAttribute('href')).toBe(
      hrefOf(`/dataplanes/${EDGE}`),
    );
    expect(
      within(row(EDGE)).getByRole('link', { name: 'Gateway edge/public' }).getAttribute('href'),
    ).toBe(hrefOf(objectHref('Gateway', 'edge', 'public')));
    expect(
      within(row(NACKER)).getByRole('link', { name: 'Service shop/catalog' }).getAttribute('href'),
    ).toBe(hrefOf(objectHref('Service', 'shop', 'catalog')));
    // ACKed listeners version of the edge: 8 characters shown, the full one in the title.
    const edge = (await stack.client().proxies()).find((p) => p.id === EDGE)!;
    const version = edge.versions['listeners']!;
    expect(within(row(EDGE)).getByTitle(version).textContent).toBe(version.slice(0, 8));
    expect(screen.getByRole('link', { name: 'Preview a target with no proxy' })).toBeTruthy();
  });

  it('filters by state nacked (control and query string) and by text', async () => {
    await renderSignedIn(stack, <DataPlaneList />);
    await screen.findByRole('link', { name: EDGE });
    fireEvent.change(screen.getByLabelText('State'), { target: { value: 'nacked' } });
    await waitFor(() => expect(screen.queryByRole('link', { name: EDGE })).toBeNull());
    expect(screen.getByRole('link', { name: NACKER })).toBeTruthy();
    expect(window.location.search).toBe('?state=nacked');

    cleanup();
    navigate('/dataplanes?role=edge', { replace: true });
    await renderSignedIn(stack, <DataPlaneList />);
    await screen.findByRole('link', { name: EDGE });
    expect(screen.queryByRole('link', { name: NACKER })).toBeNull();

    cleanup();
    navigate('/dataplanes?q=catalog', { replace: true });
    await renderSignedIn(stack, <DataPlaneList />);
    await screen.findByRole('link', { name: NACKER });
    expect(screen.queryByRole('link', { name: EDGE })).toBeNull();
  });
});

describe('data plane page', () => {
  it('shows the NACK error and links every object behind it', async () => {
    await renderSignedIn(stack, <DataPlanePage id={NACKER} />);
    expect(await screen.findByRole('heading', { level: 1, name: NACKER })).toBeTruthy();
    const nack = await screen.findByRole('region', { name: 'Last NACK' });
    expect(nack.textContent).toContain(NACK_ERROR);
    expect(nack.textContent).toContain('clusters');
    const objects = (nacker.nack?.objects ?? []) as string[];
    expect(objects.length).toBeGreaterThan(0);
    for (const text of objects) {
      const [kind, ref] = text.split(' ') as [string, string];
      const [ns, name] = ref.includes('/') ? ref.split('/') : [undefined, ref];
      expect(within(nack).getByRole('link', { name: text }).getAttribute('href')).toBe(
        hrefOf(objectHref(kind, ns, name!)),
      );
    }
    expect(screen.getByTestId('in-sync').textContent).toBe('not in sync');
  });

  it('lists the listeners the edge was sent, each expandable to its JSON', async () => {
    const config = await stack.client().proxyConfig(EDGE);
    const names = (config.resources['listeners'] ?? []).map(resourceName);
    expect(names.length).toBeGreaterThan(0);
    await renderSignedIn(stack, <DataPlanePage id={EDGE} />);
    const listeners = await screen.findByTestId('resources-listeners');
    for (const name of names) expect(within(listeners).getByRole('button', { name })).toBeTruthy();
    expect(screen.getByTestId('in-sync').textContent).toBe('in sync');
    // Expand the first listener: its proto3 JSON.
    fireEvent.click(within(listeners).getByRole('button', { name: names[0]! }));
    const json = listeners.querySelector('pre')!;
    expect(JSON.parse(json.textContent!)).toMatchObject({ name: names[0] });
    // The filter box narrows the names.
    fireEvent.input(screen.getByLabelText('Filter resources by name'), {
      target: { value: 'no-such-resource' },
    });
    await waitFor(() => expect(within(listeners).queryByRole('button')).toBeNull());
  });

  it('shows a viewer the same page', async () => {
    await renderSignedIn(stack, <DataPlanePage id={NACKER} />, stack.tokens.viewer);
    const nack = await screen.findByRole('region', { name: 'Last NACK' });
    expect(nack.textContent).toContain(NACK_ERROR);
    expect(await screen.findByTestId('resources-clusters')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('explains a proxy that is not connected, with links to the list and Preview', async () => {
    await renderSignedIn(stack, <DataPlanePage id="gone-proxy" />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('gone-proxy is not connected');
    expect(
      within(alert).getByRole('link', { name: 'Back to the data planes' }).getAttribute('href'),
    ).toBe(hrefOf('/dataplanes'));
    expect(within(alert).getByRole('link', { name: /Preview/ })).toBeTruthy();
  });
});

describe('preview', () => {
  it('lists the listeners of the edge Gateway edge/public from the query string', async () => {
    const answer = await stack.client().preview({ role: 'edge', gateway: 'edge/public' });
    const names = ((answer['resources'] as Record<string, unknown[]>)['listeners'] ?? []).map(
      resourceName,
    );
    expect(names.length).toBeGreaterThan(0);
    navigate('/preview?role=edge&gateway=edge/public', { replace: true });
    await renderSignedIn(stack, <PreviewPage />, stack.tokens.viewer);
    const listeners = await screen.findByTestId('resources-listeners');
    for (const name of names) expect(within(listeners).getByRole('button', { name })).toBeTruthy();
    expect(screen.getByTestId('preview-of').textContent).toContain('edge of edge/public');
  });

  it('takes a role and Service from the form into the query string', async () => {
    navigate('/preview', { replace: true });
    await renderSignedIn(stack, <PreviewPage />);
    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'sidecar' } });
    const service = await screen.findByLabelText('Service');
    await waitFor(() => expect(within(service).getByText('shop/catalog')).toBeTruthy());
    fireEvent.change(service, { target: { value: 'shop/catalog' } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await waitFor(() =>
      expect(window.location.search).toBe('?role=sidecar&service=shop%2Fcatalog'),
    );
    expect((await screen.findByTestId('preview-of')).textContent).toContain(
      'sidecar of shop/catalog',
    );
    expect(
      within(screen.getByTestId('resources-clusters')).getAllByRole('button').length,
    ).toBeGreaterThan(0);
  });

  it("shows the API's 404 for an unknown Gateway and 422 for a bad role", async () => {
    navigate('/preview?role=edge&gateway=edge/nowhere', { replace: true });
    await renderSignedIn(stack, <PreviewPage />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/404/);
    cleanup();
    navigate('/preview?role=captain&service=shop/catalog', { replace: true });
    await renderSignedIn(stack, <PreviewPage />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/422/);
    expect(alert.textContent).toMatch(/role/);
  });
});
