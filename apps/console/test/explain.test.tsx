// Explain: the form runs requests against the real API (POST /api/v1/explain) and shows
// the matched rule, backends, policies and verdict; field errors land at their inputs;
// the form lives in the query string, so opening a link runs it.
import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { navigate } from '../src/router';
import { ExplainView } from '../src/views/explain';
import { buildRequest, EMPTY_FORM, fieldOfPath } from '../src/views/explain/request';
import { renderSignedIn } from './support/render';
import { useConsoleStack } from './support/suite';

const stack = useConsoleStack({}, { home: '/explain' });

const input = (label: string | RegExp) => screen.getByLabelText(label) as HTMLInputElement;
const type = (label: string | RegExp, value: string) =>
  fireEvent.input(input(label), { target: { value } });

async function openForm() {
  navigate('/explain', { replace: true });
  await renderSignedIn(stack, <ExplainView />, stack.tokens.viewer);
  // The Gateway list arrives from the API and fills the select.
  await waitFor(() =>
    expect((input('Gateway') as unknown as HTMLSelectElement).value).toBe('edge/public'),
  );
}

describe('explain view', () => {
  it('explains an edge request to the storefront: route link, backends, verdict, policies', async () => {
    await openForm();
    type('Host', 'shop.example.com');
    type('Path', '/api/orders');
    fireEvent.click(screen.getByRole('button', { name: 'Explain' }));
    const matched = await screen.findByTestId('explain-matched');
    const routeLink = within(matched).getByRole('link', { name: 'HTTPRoute shop/storefront' });
    expect(routeLink.getAttribute('href')).toBe('/ui/objects/httproutes/shop/storefront');
    expect(matched.textContent).toContain('httproute/shop/storefront/rule/0/match/0');
    expect(screen.getByTestId('explain-verdict').textContent).toBe('allow');
    const backend = screen.getByRole('link', { name: 'shop/frontend' });
    expect(backend.getAttribute('href')).toBe('/ui/objects/services/shop/frontend');
    expect(backend.closest('tr')!.textContent).toBe('shop/frontend801');
    expect(
      screen.getByRole('link', { name: 'RateLimitPolicy edge/edge-limit' }).closest('tr')!
        .textContent,
    ).toContain('limits');
    expect(screen.getByText('Envoy names').closest('details')!.textContent).toContain(
      'outbound|80||frontend.shop',
    );
    // The request is now a link.
    expect(new URLSearchParams(window.location.search).get('path')).toBe('/api/orders');
    expect(new URLSearchParams(window.location.search).get('gateway')).toBe('edge/public');
  });

  it('explains a redirect rule with its status and no backends', async () => {
    await openForm();
    type('Host', 'shop.example.com');
    type('Path', '/cart');
    fireEvent.click(screen.getByRole('button', { name: 'Explain' }));
    const matched = await screen.findByTestId('explain-matched');
    expect(matched.textContent).toContain('rule/1/match/0');
    expect(screen.getByText('301')).toBeTruthy();
    expect(screen.getByText('http://shop.example.com/api/cart')).toBeTruthy();
  });

  it('explains a mesh request from shop/frontend to catalog: the canary rule beats the default', async () => {
    await openForm();
    fireEvent.change(screen.getByLabelText('Mode'), { target: { value: 'mesh' } });
    fireEvent.change(screen.getByLabelText('Source Service'), {
      target: { value: 'shop/frontend' },
    });
    type('Host', 'catalog.shop');
    type('Port (optional)', '8080');
    type('Path', '/items');
    type(/Headers/, 'x-canary: 1');
    fireEvent.click(screen.getByRole('button', { name: 'Explain' }));
    const matched = await screen.findByTestId('explain-matched');
    expect(within(matched).getByRole('link').textContent).toBe('HTTPRoute shop/catalog-canary');
    expect(matched.textContent).toContain('rule/0/match/0');
    const beaten = screen.getByText('httproute/shop/catalog-canary/rule/1/match/0');
    expect(beaten.closest('tr')!.textContent).toContain('HTTPRoute shop/catalog-canary');
    expect(screen.getByText(/lose by precedence/)).toBeTruthy();
    const query = new URLSearchParams(window.location.search);
    expect([query.get('source'), query.get('role'), query.get('headers')]).toEqual([
      'shop/frontend',
      'sidecar',
      'x-canary: 1',
    ]);
  });

  it('shows the authorization policy that allowed checkout -> payments', async () => {
    navigate(
      '/explain?source=shop/checkout&host=payments.payments&path=/shop.v1.Payments/Pay&method=POST',
      { replace: true },
    );
    await renderSignedIn(stack, <ExplainView />, stack.tokens.viewer);
    // Opening the link runs it: no click.
    const verdict = await screen.findByTestId('explain-verdict');
    expect(verdict.textContent).toBe('allow');
    const by = screen.getAllByRole('link', {
      name: 'AuthorizationPolicy payments/payments-callers',
    });
    expect(by[0]!.getAttribute('href')).toBe(
      '/ui/objects/authorizationpolicies/payments/payments-callers',
    );
    expect(verdict.parentElement!.textContent).toContain('AllowMatched');
    expect(verdict.parentElement!.textContent).toContain('rule 0');
    expect((input('Host') as HTMLInputElement).value).toBe('payments.payments');
    expect((screen.getByLabelText('Mode') as HTMLSelectElement).value).toBe('mesh');
  });

  it('puts the API 422 at the host field', async () => {
    await openForm();
    type('Host', '');
    type('Path', '/x');
    fireEvent.click(screen.getByRole('button', { name: 'Explain' }));
    await waitFor(() => expect(input('Host').getAttribute('aria-invalid')).toBe('true'));
    const error = input('Host').parentElement!.querySelector('.field-error')!;
    expect(error.textContent).toMatch(/>=1 characters/);
    expect(input('Path').getAttribute('aria-invalid')).toBeNull();
    expect(screen.queryByTestId('explain-answer')).toBeNull();
  });

  it('refuses a bad header line at the headers field without calling the API', async () => {
    await openForm();
    type('Host', 'shop.example.com');
    type(/Headers/, 'x-ok: 1\nno colon here');
    fireEvent.click(screen.getByRole('button', { name: 'Explain' }));
    const headers = input(/Headers/);
    await waitFor(() => expect(headers.getAttribute('aria-invalid')).toBe('true'));
    expect(headers.parentElement!.querySelector('.field-error')!.textContent).toContain(
      'line 2: expected "name: value"',
    );
  });

  it('shows an unknown Gateway (404) as an error box', async () => {
    navigate('/explain?gateway=edge/nope&host=a.example.com&path=/', { replace: true });
    await renderSignedIn(stack, <ExplainView />, stack.tokens.viewer);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Gateway edge/nope not found');
  });
});

describe('explain request', () => {
  it('builds the API body and maps error paths to fields', () => {
    const built = buildRequest({
      ...EMPTY_FORM,
      gateway: 'edge/public',
      host: ' shop.example.com ',
      port: '8443',
      tls: true,
      headers: 'X-A: 1\n\nx-b:two words',
    });
    expect(built).toEqual({
      ok: true,
      body: {
        gateway: 'edge/public',
        host: 'shop.example.com',
        path: '/',
        method: 'GET',
        port: 8443,
        headers: { 'x-a': '1', 'x-b': 'two words' },
        tls: true,
      },
    });
    expect(buildRequest({ ...EMPTY_FORM, gateway: 'edge/public', port: 'http' })).toEqual({
      ok: false,
      errors: { port: ['must be a port number from 1 to 65535'] },
    });
    expect(fieldOfPath('headers.x-a')).toBe('headers');
    expect(fieldOfPath('host')).toBe('host');
    expect(fieldOfPath('')).toBeUndefined();
  });
});
