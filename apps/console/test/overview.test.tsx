// Overview against a real API and control plane loaded with the demo: counts per kind
// linking to the lists, data planes by role and sync state (a NACKing sidecar listed
// with its error), objects not Accepted (a route with a missing backend, as the control
// plane's status writer reports it) and live changes from the watch stream.
import type { ApiObject } from '@crossway/client';
import { screen, waitFor, within } from '@testing-library/preact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindHref, objectHref } from '../src/links';
import { hrefOf } from '../src/router';
import { OverviewView } from '../src/views/overview';
import { statusIssues } from '../src/views/overview/status';
import { eventually, type TestDataPlane } from './support/data-planes';
import { renderSignedIn } from './support/render';
import { closeAll, connectEdgeAndNacker, GHOST_ROUTE, useConsoleStack } from './support/suite';

const EDGE = 'overview-edge-1';
const NACKER = 'overview-catalog-nacker';
const NACK_ERROR = 'rejected cluster: circuit breaker thresholds out of range';

const stack = useConsoleStack({ controlPlane: true }, { home: '/' });
const planes: TestDataPlane[] = [];

beforeAll(async () => {
  await connectEdgeAndNacker(stack, planes, {
    edge: EDGE,
    nacker: NACKER,
    nackError: NACK_ERROR,
  });
}, 30_000);
afterAll(() => closeAll(planes));

const count = (kind: string) => screen.getByTestId(`count-${kind}`);

describe('overview', () => {
  it('counts the demo objects per kind, each linking to its list', async () => {
    await renderSignedIn(stack, <OverviewView />, stack.tokens.viewer);
    expect(await screen.findByRole('heading', { level: 1, name: 'Overview' })).toBeTruthy();
    await waitFor(() => expect(count('Service').querySelector('.count')!.textContent).toBe('4'));
    await waitFor(() => expect(count('HTTPRoute').querySelector('.count')!.textContent).toBe('2'));
    expect(count('Workload').querySelector('.count')!.textContent).toBe('4');
    expect(count('Gateway').querySelector('.count')!.textContent).toBe('1');
    expect(count('Service').getAttribute('href')).toBe(hrefOf(kindHref('Service')));
    expect(count('HTTPRoute').getAttribute('href')).toBe(hrefOf('/objects/httproutes'));
    // Grouped by category.
    const objects = screen.getByRole('region', { name: 'Objects' });
    expect(within(objects).getByRole('heading', { name: 'Policies' })).toBeTruthy();
  });

  it('shows data planes by role and state, the NACKing sidecar first with its error', async () => {
    await renderSignedIn(stack, <OverviewView />);
    const link = await screen.findByRole('link', { name: NACKER });
    expect(link.getAttribute('href')).toBe(hrefOf(`/dataplanes/${NACKER}`));
    expect(link.closest('li')!.textContent).toContain(`clusters: ${NACK_ERROR}`);
    const sidecarNacked = screen.getByTestId('dp-sidecar-nacked');
    expect(sidecarNacked.textContent).toBe('1');
    expect(sidecarNacked.getAttribute('href')).toBe(
      hrefOf('/dataplanes?role=sidecar&state=nacked'),
    );
    expect(screen.getByTestId('dp-edge-synced').textContent).toBe('1');
    expect(screen.getByTestId('dp-edge-nacked').textContent).toBe('0');
  });

  it('claims no health while kinds are still being listed', async () => {
    await renderSignedIn(stack, <OverviewView />, stack.tokens.viewer);
    const issues = screen.getByRole('region', { name: 'Not Accepted' });
    // Right after the first render nothing is listed yet: "all fine" would be a guess.
    expect(within(issues).getByRole('status').textContent).toContain('status of every kind');
    expect(issues.textContent).not.toContain('Every object is Accepted');
  });

  it('lists an object made not Accepted through the API, with reason and parent', async () => {
    await stack.client(stack.tokens.editor).create(GHOST_ROUTE);
    // The control plane's status writer reports it; the console only reads.
    await eventually(
      'ResolvedRefs=False on shop/ghost',
      async () => {
        const route = await stack.client().get('HTTPRoute', 'ghost', 'shop');
        return statusIssues(route).some((i) => i.reason === 'BackendNotFound');
      },
      15_000,
    );
    await renderSignedIn(stack, <OverviewView />);
    const issues = screen.getByRole('region', { name: 'Not Accepted' });
    // One row per condition at fault; the ghost has ResolvedRefs=False among them.
    const links = await within(issues).findAllByRole('link', { name: 'HTTPRoute shop/ghost' });
    for (const link of links)
      expect(link.getAttribute('href')).toBe(hrefOf(objectHref('HTTPRoute', 'shop', 'ghost')));
    const row = links
      .map((l) => l.closest('tr')!)
      .find((r) => r.textContent!.includes('ResolvedRefs'));
    if (!row)
      throw new Error(
        `no ResolvedRefs row: ${links.map((l) => l.closest('tr')!.textContent).join(' | ')}`,
      );
    expect(row.textContent).toContain('ResolvedRefs=False');
    expect(row.textContent).toContain('BackendNotFound');
    expect(row.textContent).toContain('Gateway edge/public');
    // The sidecar's NACK marks the objects behind its clusters RejectedByDataPlane.
    await waitFor(() => expect(issues.textContent).toContain('RejectedByDataPlane'));
    expect(issues.textContent).not.toContain('HTTPRoute shop/storefront');
  });

  it('shows a change made after the page loaded, without reload', async () => {
    await renderSignedIn(stack, <OverviewView />);
    await waitFor(() => expect(screen.getByTestId('watch-state').textContent).toBe('live'));
    // The stream follows the lists: every kind is listed, so the "checking" notice is gone.
    const issues = screen.getByRole('region', { name: 'Not Accepted' });
    expect(within(issues).queryByRole('status')).toBeNull();
    await waitFor(() => expect(count('Service').querySelector('.count')!.textContent).toBe('4'));
    const changes = screen.getByRole('region', { name: 'Recent changes' });
    expect(changes.textContent).toContain('No change since this page loaded');
    const service: ApiObject = {
      apiVersion: 'crossway.dev/v1alpha1',
      kind: 'Service',
      metadata: { name: 'newcomer', namespace: 'shop' },
      spec: { ports: [{ name: 'http', port: 8080, protocol: 'http' }] },
    };
    await stack.client().create(service);
    const link = await within(changes).findByRole(
      'link',
      { name: 'Service shop/newcomer' },
      { timeout: 5000 },
    );
    expect(link.getAttribute('href')).toBe(hrefOf(objectHref('Service', 'shop', 'newcomer')));
    expect(link.closest('li')!.textContent).toContain('ADDED');
    await waitFor(() => expect(count('Service').querySelector('.count')!.textContent).toBe('5'));
    await stack.client().delete('Service', 'newcomer', 'shop');
    await waitFor(() => expect(changes.querySelector('li')!.textContent).toContain('DELETED'));
    // Newest first; nothing from before the page loaded.
    expect(changes.querySelectorAll('li').length).toBe(2);
  });
});
