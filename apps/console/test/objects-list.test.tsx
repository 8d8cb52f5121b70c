// Object lists against the real API: the demo's HTTPRoutes as links to their pages, the
// namespace and name filters, and 10,000 Workloads loaded page by page into a
// virtualised list that keeps only the rows in view in the DOM while scrolling.
import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { TxOp } from '@crossway/store';
import { ObjectList } from '../src/views/objects';
import { renderSignedIn } from './support/render';
import { useConsoleStack } from './support/suite';

const stack = useConsoleStack();

/** The names linked in the list, in order. */
function listedNames(list: HTMLElement): string[] {
  return within(list)
    .queryAllByRole('link')
    .map((a) => a.textContent ?? '');
}

describe('object lists', () => {
  it('indexes every kind without a kind in the URL', async () => {
    await renderSignedIn(stack, <ObjectList />, stack.tokens.viewer);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Objects');
    const index = screen.getByRole('table');
    expect(
      within(index).getByRole('link', { name: 'AuthorizationPolicy' }).getAttribute('href'),
    ).toBe('/ui/objects/authorizationpolicies');
    expect(within(index).getByRole('link', { name: 'Mesh' }).getAttribute('href')).toBe(
      '/ui/objects/meshes',
    );
  });

  it('lists the demo HTTPRoutes with links to their pages and their status', async () => {
    await renderSignedIn(stack, <ObjectList kind="httproutes" />, stack.tokens.viewer);
    const list = await screen.findByRole('list', { name: 'HTTPRoute objects' });
    await waitFor(() => expect(listedNames(list)).toEqual(['catalog-canary', 'storefront']));
    expect(within(list).getByRole('link', { name: 'storefront' }).getAttribute('href')).toBe(
      '/ui/objects/httproutes/shop/storefront',
    );
    expect(screen.getByTestId('list-count').textContent).toContain('2 loaded');
    // The kind picker marks the current kind.
    const picker = screen.getByRole('navigation', { name: 'Kinds' });
    expect(
      within(picker).getByRole('link', { name: 'HTTPRoute' }).getAttribute('aria-current'),
    ).toBe('page');
  });

  it('filters by namespace, by name and by a label selector sent to the API', async () => {
    await renderSignedIn(stack, <ObjectList kind="services" />, stack.tokens.viewer);
    const list = await screen.findByRole('list', { name: 'Service objects' });
    await waitFor(() =>
      expect(listedNames(list)).toEqual(['payments', 'catalog', 'checkout', 'frontend']),
    );
    const namespace = screen.getByLabelText('Namespace') as HTMLSelectElement;
    expect([...namespace.options].map((o) => o.value)).toEqual(['', 'payments', 'shop']);
    fireEvent.change(namespace, { target: { value: 'shop' } });
    await waitFor(() => expect(listedNames(list)).toEqual(['catalog', 'checkout', 'frontend']));
    fireEvent.input(screen.getByLabelText('Name contains'), { target: { value: 'CHECK' } });
    await waitFor(() => expect(listedNames(list)).toEqual(['checkout']));
    expect(screen.getByTestId('list-count').textContent).toContain('1 shown');

    fireEvent.change(namespace, { target: { value: '' } });
    fireEvent.input(screen.getByLabelText('Name contains'), { target: { value: '' } });
    fireEvent.input(screen.getByLabelText('Label selector'), {
      target: { value: 'team=payments' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Apply selector' }));
    // The API filtered: only the two team=payments Services were loaded at all.
    await waitFor(() => expect(screen.getByTestId('list-count').textContent).toContain('2 loaded'));
    const filtered = screen.getByRole('list', { name: 'Service objects' });
    expect(listedNames(filtered)).toEqual(['payments', 'checkout']);
  });

  it('loads 10,000 Workloads and keeps only the visible rows in the DOM', async () => {
    const name = (i: number) => `w-${String(i).padStart(5, '0')}`;
    const ops: TxOp[] = Array.from({ length: 10_000 }, (_, i) => ({
      op: 'upsert' as const,
      object: {
        apiVersion: 'crossway.dev/v1alpha1',
        kind: 'Workload',
        metadata: { name: name(i), namespace: 'bulk' },
        spec: {
          service: 'bulk',
          address: `10.${Math.floor(i / 256) % 256}.${i % 256}.1`,
          ports: [{ name: 'http', port: 8080 }],
        },
      },
    }));
    // The store takes at most 128 operations per transaction.
    for (let i = 0; i < ops.length; i += 128) await stack.store.transaction(ops.slice(i, i + 128));

    await renderSignedIn(stack, <ObjectList kind="workloads" />, stack.tokens.viewer);
    // 10,000 bulk Workloads plus the demo's 4.
    await waitFor(
      () => expect(screen.getByTestId('list-count').textContent).toContain('10004 loaded'),
      {
        timeout: 30_000,
      },
    );
    const list = screen.getByRole('list', { name: 'Workload objects' });
    const rows = () => within(list).getAllByRole('listitem');
    expect(rows().length).toBeGreaterThan(5);
    expect(rows().length).toBeLessThan(100);
    expect(within(list).getByRole('link', { name: 'w-00000' })).toBeTruthy();
    expect(within(list).queryByRole('link', { name: 'w-05000' })).toBeNull();

    // Scroll to row 5000 (34 px a row): the rows there replace the first ones.
    list.scrollTop = 5000 * 34;
    fireEvent.scroll(list);
    await waitFor(() => expect(within(list).getByRole('link', { name: 'w-05000' })).toBeTruthy());
    expect(within(list).queryByRole('link', { name: 'w-00000' })).toBeNull();
    expect(rows().length).toBeLessThan(100);

    // The name filter works on all loaded objects, not just the rows in the DOM.
    fireEvent.input(screen.getByLabelText('Name contains'), { target: { value: 'w-0999' } });
    await waitFor(() => expect(listedNames(list)).toHaveLength(10));
    expect(listedNames(list)[9]).toBe('w-09999');
  }, 60_000);
});
