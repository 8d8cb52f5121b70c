// Live end-to-end: the receiving side. An xDS-enabled grpc-js server gets its Listener
// (with the RBAC filter) from the control plane and enforces an AuthorizationPolicy
// DENY written through the API; a data plane without a token gets nothing at all.
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@crossway/testing';
import { manifests as m } from '../support/e2e-api';
import { eventually, servedBy, startE2eEnv, type E2eEnv } from '../support/e2e-env';
import { TYPE_URLS } from '../../src/contracts';
import { connect } from '../support/raw-ads-client';
import { XdsEchoClient } from '../support/e2e-xds';

const NS = 'demo';
let env: E2eEnv;

beforeAll(async () => {
  env = await startE2eEnv();
  await env.api.apply([m.meshWithoutMtls(), m.service('e2e', 'caller', 8080)]);
});

afterAll(async () => {
  await env?.close();
});

describe('xDS-enabled servers and data-plane auth', { timeout: 30_000 }, () => {
  it('enforces an AuthorizationPolicy DENY in the server RBAC filter', async () => {
    const port = await freePort();
    await env.api.apply([
      m.service(NS, 'secure', 50061),
      m.workload(NS, 'secure-1', 'secure', port),
      {
        kind: 'AuthorizationPolicy',
        metadata: { name: 'no-mallory', namespace: NS },
        spec: {
          targetRef: { kind: 'Service', name: 'secure' },
          action: 'DENY',
          rules: [{ when: [{ header: 'x-caller', values: ['mallory'] }] }],
        },
      },
    ]);
    const server = await env.xdsServer('secure-1', `${NS}/secure`, port);
    const client = await env.client('xds:///secure.demo:50061');
    await servedBy(client, 'secure-1', { headers: { 'x-caller': 'alice' } });

    const denied = await client.call({ headers: { 'x-caller': 'mallory' } });
    expect(denied.ok).toBe(false);
    expect(denied.code).toBe(status.PERMISSION_DENIED);
    const callsBefore = server.calls;
    expect(
      Object.fromEntries(await client.tally(10, { headers: { 'x-caller': 'mallory' } })),
    ).toEqual({ 'error:PERMISSION_DENIED': 10 });
    expect(server.calls).toBe(callsBefore);
    expect(
      Object.fromEntries(await client.tally(10, { headers: { 'x-caller': 'alice' } })),
    ).toEqual({ 'secure-1': 10 });

    // Lifting the policy lets the same caller through, on the same server and channel.
    await env.api.remove('authorizationpolicies', NS, 'no-mallory');
    await eventually('the DENY to be lifted', async () => {
      const result = await client.call({ headers: { 'x-caller': 'mallory' } });
      return result.ok && result.backend === 'secure-1';
    });
  });

  it('gives a client without a token no configuration: its calls never reach the backend', async () => {
    const backend = await env.backend('open-1');
    await env.api.apply([
      m.service(NS, 'open', 50062),
      m.workload(NS, 'open-1', 'open', backend.port),
    ]);
    // The same target works for a client with a token...
    const withToken = await env.client('xds:///open.demo:50062');
    await servedBy(withToken, 'open-1');
    const callsBefore = backend.calls;

    // ...but one without a token, or with a made-up one, never resolves it.
    const untrusted = [undefined, 'not-a-real-token'].map(
      (token) =>
        new XdsEchoClient('xds:///open.demo:50062', env.xdsPort, {
          id: `e2e-untrusted-${token ?? 'none'}`,
          service: 'e2e/caller',
          ...(token === undefined ? {} : { token }),
        }),
    );
    try {
      const results = await Promise.all(untrusted.map((c) => c.call({ deadlineMs: 1500 })));
      for (const result of results) {
        expect(result.ok).toBe(false);
        expect([status.DEADLINE_EXCEEDED, status.UNAVAILABLE]).toContain(result.code);
      }
    } finally {
      untrusted.forEach((c) => c.close());
    }

    expect(backend.calls).toBe(callsBefore);
  });

  it('refuses a token-less ADS stream with UNAUTHENTICATED before sending any resource', async () => {
    const raw = connect(
      env.xdsPort,
      {
        id: 'e2e-raw-untrusted',
        locality: {},
        metadata: { role: 'proxyless', service: 'e2e/caller' },
      },
      undefined,
      5000,
    );
    try {
      raw.request(TYPE_URLS.listeners, ['open.demo:50062']);
      const refused = await raw.status;
      expect(refused, refused.details).toMatchObject({ code: status.UNAUTHENTICATED });
      expect(raw.received).toEqual([]);
    } finally {
      await raw.close();
    }
  });
});
