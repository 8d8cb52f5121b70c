// Object pages against the real API and control plane: the storefront route's YAML,
// its status per parent Gateway listener, the policies it inherits from the Gateway,
// the data planes it reaches; a Secret without its key; edit controls per role; and
// editing with server-side validation errors shown at the field's line, a dry-run
// diff, and a save that stores the change.
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectPage } from '../src/views/objects';
import { connectDataPlane, eventually, type TestDataPlane } from './support/data-planes';
import { renderSignedIn } from './support/render';
import { closeAll, useConsoleStack } from './support/suite';

const NACK_ERROR = 'Proto constraint validation failed: cluster shop/checkout';
const stack = useConsoleStack({ controlPlane: true });
/** The objects the control plane names behind the NACK ("Service shop/checkout"). */
let nackObjects: string[] = [];
const dataPlanes: TestDataPlane[] = [];
beforeAll(async () => {
  dataPlanes.push(
    await connectDataPlane(stack, { id: 'edge-test-1', role: 'edge', target: 'edge/public' }),
  );
  // The control plane writes route status after its first build.
  await eventually('the storefront status', async () => {
    const route = await stack.client().get('HTTPRoute', 'storefront', 'shop');
    return (route.status as { parents?: unknown[] } | undefined)?.parents?.length
      ? route
      : undefined;
  });
  dataPlanes.push(
    await connectDataPlane(stack, {
      id: 'frontend-nacker',
      role: 'sidecar',
      target: 'shop/frontend',
      nack: { types: ['clusters'], error: NACK_ERROR },
    }),
  );
  nackObjects = await eventually('the NACK recorded', async () => {
    const proxy = await stack.client().proxy('frontend-nacker');
    return proxy.nack?.objects?.length ? proxy.nack.objects.map(String) : undefined;
  });
  await eventually('the edge listed', async () =>
    (await stack.client().proxies()).some((p) => p.id === 'edge-test-1') ? true : undefined,
  );
});
afterAll(() => closeAll(dataPlanes));

const storefront = <ObjectPage kind="httproutes" namespace="shop" name="storefront" />;

/** The stored storefront route, read from the store itself (the truth, no HTTP cache). */
async function storedStorefront() {
  const route = await stack.store.get({ kind: 'HTTPRoute', namespace: 'shop', name: 'storefront' });
  return route as unknown as {
    metadata: { resourceVersion: string };
    spec: { hostnames: string[]; rules: { backendRefs?: { port?: number }[] }[] };
  };
}

async function storefrontPort(): Promise<unknown> {
  return (await storedStorefront()).spec.rules[0]?.backendRefs?.[0]?.port;
}

/** The text of the nearest `selector` around `el`; fails the test when there is none. */
function textAround(el: Element | null, selector: string): string {
  const found = el?.closest(selector);
  if (!found) throw new Error(`no ${selector} around the element`);
  return found.textContent ?? '';
}

/** The element `selector` finds in `root`; fails the test when there is none. */
function find(root: ParentNode | null | undefined, selector: string): Element {
  const found = root?.querySelector(selector);
  if (!found) throw new Error(`nothing matches ${selector}`);
  return found;
}

describe('object page', () => {
  it('shows the storefront route: YAML, status per parent, inherited policies, data planes', async () => {
    await renderSignedIn(stack, storefront, stack.tokens.viewer);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('HTTPRoute shop/storefront');
    const yaml = await screen.findByTestId('spec-yaml');
    expect(yaml.textContent).toContain('type: PathPrefix');
    expect(yaml.textContent).toContain('port: 80');

    // One status table per parent (each listener of the Gateway), linking to it.
    const parent = screen.getByRole('link', { name: 'Parent Gateway edge/public (http)' });
    expect(parent.getAttribute('href')).toBe('/ui/objects/gateways/edge/public');
    expect(screen.getByRole('link', { name: 'Parent Gateway edge/public (https)' })).toBeTruthy();
    const table = find(parent.closest('div'), 'table');
    const accepted = [...table.querySelectorAll('tbody tr')].find(
      (tr) => tr.querySelector('td')?.textContent === 'Accepted',
    );
    expect(accepted?.textContent).toContain('True');

    // The Gateway's policies, each linked, named as inherited from the Gateway.
    const limit = await screen.findByRole('link', { name: 'edge/edge-limit' });
    expect(limit.getAttribute('href')).toBe('/ui/objects/ratelimitpolicies/edge/edge-limit');
    expect(textAround(limit, 'tr')).toContain('inherited from Gateway edge/public');
    const jwt = screen.getByRole('link', { name: 'edge/edge-jwt' });
    expect(textAround(jwt, 'tr')).toContain('only https');
    // The payments Service's policies are not in force here.
    expect(screen.queryByRole('link', { name: 'payments/payments-callers' })).toBeNull();

    // The edge data plane of the parent Gateway, linked to its page.
    const edge = await screen.findByRole('link', { name: 'edge-test-1' });
    expect(edge.getAttribute('href')).toBe('/ui/dataplanes/edge-test-1');
    expect(textAround(edge, 'tr')).toMatch(/edge of Gateway edge\/public/);
  });

  it('names the policies attached to a Service and those a Workload inherits from it', async () => {
    await renderSignedIn(
      stack,
      <ObjectPage kind="services" namespace="payments" name="payments" />,
      stack.tokens.viewer,
    );
    const authz = await screen.findByRole('link', { name: 'payments/payments-callers' });
    expect(textAround(authz, 'tr')).toContain('attached here');
    expect(screen.getByRole('link', { name: 'payments/payments-resilience' })).toBeTruthy();
    cleanup();

    await renderSignedIn(
      stack,
      <ObjectPage kind="workloads" namespace="payments" name="payments-1" />,
      stack.tokens.viewer,
    );
    const inherited = await screen.findByRole('link', { name: 'payments/payments-callers' });
    expect(textAround(inherited, 'tr')).toContain('inherited from Service payments/payments');
    const via = screen.getAllByRole('link', { name: 'Service payments/payments' });
    expect(via[0]?.getAttribute('href')).toBe('/ui/objects/services/payments/payments');
  });

  it('offers a preview when no data plane runs the object', async () => {
    await stack.client().create({
      apiVersion: 'crossway.dev/v1alpha1',
      kind: 'Service',
      metadata: { name: 'ledger', namespace: 'payments' },
      spec: { ports: [{ name: 'grpc', port: 9090, protocol: 'grpc' }] },
    });
    await renderSignedIn(
      stack,
      <ObjectPage kind="services" namespace="payments" name="ledger" />,
      stack.tokens.viewer,
    );
    const preview = await screen.findByRole('link', {
      name: 'Preview the config of Service payments/ledger',
    });
    expect(preview.getAttribute('href')).toBe('/ui/preview?role=sidecar&service=payments%2Fledger');
    expect(screen.getByText(/None connected/)).toBeTruthy();
    expect(screen.getByText('No policy attaches here, to a parent or to the Mesh.')).toBeTruthy();
  });

  it('lists a data plane that rejected config built from this object, with its NACK', async () => {
    const named = nackObjects.find((o) => o.startsWith('Service '));
    expect(named).toBeDefined();
    const [ns, name] = (named ?? '').slice('Service '.length).split('/') as [string, string];
    await renderSignedIn(
      stack,
      <ObjectPage kind="services" namespace={ns} name={name} />,
      stack.tokens.viewer,
    );
    const nacker = await screen.findByRole('link', { name: 'frontend-nacker' });
    expect(nacker.getAttribute('href')).toBe('/ui/dataplanes/frontend-nacker');
    const row = textAround(nacker, 'tr');
    expect(row).toContain('NACKed');
    expect(row).toContain(NACK_ERROR);
    // The edge of the Gateway has nothing to do with this Service.
    expect(screen.queryByRole('link', { name: 'edge-test-1' })).toBeNull();
  });

  it('shows a Secret without its private key', async () => {
    await renderSignedIn(
      stack,
      <ObjectPage kind="secrets" namespace="edge" name="shop-example-com" />,
      stack.tokens.admin,
    );
    const sha = await screen.findByTestId('key-sha256');
    expect(sha.textContent).toMatch(/^[0-9a-f]{64}$/);
    expect(screen.getByText(/Private keys are never shown/)).toBeTruthy();
    expect(document.body.textContent).toContain('BEGIN CERTIFICATE');
    expect(document.body.textContent).not.toContain('PRIVATE KEY-----');
    // Nor in the editor an admin opens.
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    expect((screen.getByLabelText('YAML') as HTMLTextAreaElement).value).not.toContain('tls.key');
  });

  it('hides Edit from a viewer and from an editor limited to another namespace', async () => {
    await renderSignedIn(stack, storefront, stack.tokens.viewer);
    await screen.findByTestId('spec-yaml');
    expect(screen.queryByRole('button', { name: 'Edit' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
    expect(screen.queryByLabelText('YAML')).toBeNull();
    cleanup();

    await renderSignedIn(stack, storefront, stack.tokens.shopEditor);
    await screen.findByTestId('spec-yaml');
    expect(screen.getByRole('button', { name: 'Edit' })).toBeTruthy();
    cleanup();

    await renderSignedIn(
      stack,
      <ObjectPage kind="services" namespace="payments" name="payments" />,
      stack.tokens.shopEditor,
    );
    await screen.findByTestId('spec-yaml');
    expect(screen.queryByRole('button', { name: 'Edit' })).toBeNull();
  });

  it('names the line and column of a YAML syntax error', async () => {
    await renderSignedIn(stack, storefront, stack.tokens.shopEditor);
    fireEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    const yaml = screen.getByLabelText('YAML') as HTMLTextAreaElement;
    fireEvent.input(yaml, { target: { value: 'kind: HTTPRoute\nspec: [1, 2\n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview changes' }));
    const alert = await screen.findByText(/^line \d+, column \d+:/);
    expect(textAround(alert, '[role="alert"]')).toContain('YAML syntax error');
  });

  it('edits the route: an invalid port is shown at its line, the fix diffs, Save stores it', async () => {
    await renderSignedIn(stack, storefront, stack.tokens.shopEditor);
    fireEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    const yaml = screen.getByLabelText('YAML') as HTMLTextAreaElement;
    const original = yaml.value;
    expect(original).toMatch(/\bport: 80\b/);
    expect(original).not.toMatch(/^status:/m);
    expect(original).toContain('resourceVersion');

    fireEvent.input(yaml, { target: { value: original.replace(/\bport: 80\b/, 'port: 70000') } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview changes' }));
    const error = await screen.findByRole('alert', {}, { timeout: 5000 });
    const atField = document.querySelector<HTMLElement>(
      '.field-error[data-path="spec.rules[0].backendRefs[0].port"]',
    );
    expect(error).toBeTruthy();
    expect(atField?.getAttribute('role')).toBe('alert');
    expect(atField?.textContent).toMatch(/65535|less|port/i);
    // Under the line that holds the bad value.
    expect(find(atField?.closest('li'), 'code').textContent).toContain('port: 70000');
    expect(await storefrontPort()).toBe(80);

    fireEvent.input(yaml, { target: { value: original.replace(/\bport: 80\b/, 'port: 8080') } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview changes' }));
    const changes = await screen.findByRole('table', { name: 'Changes' });
    const row = find(changes, 'tr[data-path="spec.rules[0].backendRefs[0].port"]');
    expect(find(row, '.diff-remove').textContent).toBe('80');
    expect(find(row, '.diff-add').textContent).toContain('8080');
    expect(document.querySelector('.field-error')).toBeNull();
    expect(await storefrontPort()).toBe(80);

    const before = (await storedStorefront()).metadata.resourceVersion;
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const saved = await screen.findByText(/Saved\. New resourceVersion/);
    expect(await storefrontPort()).toBe(8080);
    const after = (await storedStorefront()).metadata.resourceVersion;
    expect(after).not.toBe(before);
    expect(saved.textContent).toContain(String(after));
    // The page reloaded the object: its YAML shows the new port.
    await waitFor(() =>
      expect(screen.getByTestId('spec-yaml').textContent).toContain('port: 8080'),
    );
  });

  it('says someone else changed the object when the save conflicts', async () => {
    await renderSignedIn(stack, storefront, stack.tokens.editor);
    fireEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    const yaml = screen.getByLabelText('YAML') as HTMLTextAreaElement;
    // Another writer changes the route after the editor opened it.
    await stack
      .client()
      .patch('HTTPRoute', 'storefront', { spec: { hostnames: ['x.example.com'] } }, 'shop');
    fireEvent.input(yaml, { target: { value: yaml.value.replace(/\bport: \d+\b/, 'port: 81') } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Someone else changed this object since you opened it.');
    expect(await storefrontPort()).toBe(8080);
    expect((await storedStorefront()).spec.hostnames).toEqual(['x.example.com']);
    expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy();
  });
});
