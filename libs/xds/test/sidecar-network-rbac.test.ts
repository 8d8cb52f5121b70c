// Authorization on TCP ports (testdata/sidecar/tcp-port-authz.in.yaml) at L4:
// never fail open when a rule needs L7, and principals from mesh identities.
import type { JsonObject } from '@crossway/protos';
import { describe, expect, it } from 'vitest';
import { loadObjects } from './support/edge-cases';
import { runSidecar, sidecarCaseInput, sidecarCaseTarget } from './support/sidecar-cases';

const { resources } = runSidecar(
  loadObjects(sidecarCaseInput('tcp-port-authz')),
  sidecarCaseTarget('tcp-port-authz'),
);

/** The network RBAC rules of a listener's first chain, by action. */
function rbacOf(listener: string): Record<string, JsonObject> {
  const found = resources.listeners.find((l) => l['name'] === listener);
  const chains = (found?.['filter_chains'] ?? []) as JsonObject[];
  const filters = (chains[0]?.['filters'] ?? []) as JsonObject[];
  const result: Record<string, JsonObject> = {};
  for (const f of filters) {
    if (f['name'] !== 'envoy.filters.network.rbac') continue;
    const rules = (f['typed_config'] as JsonObject)['rules'] as JsonObject;
    result[String(rules['action'])] = rules['policies'] as JsonObject;
  }
  return result;
}

describe('network RBAC on sidecar TCP ports', () => {
  it('a DENY that needs L7 fields denies the whole TCP port', () => {
    const deny = rbacOf('sidecar/data/db/inbound/6379')['DENY'];
    expect(deny?.['authorizationpolicy/data/cache-no-flush/rule/0']).toEqual({
      permissions: [{ any: true }],
      principals: [{ any: true }],
    });
  });

  it('a port-scoped DENY stays off the other ports', () => {
    const deny = rbacOf('sidecar/data/db/inbound/5432')['DENY'] ?? {};
    expect(Object.keys(deny)).toEqual(['authorizationpolicy/data/no-sandbox/rule/0']);
  });

  it('an ALLOW rule that needs L7 grants nothing at L4', () => {
    const allow = rbacOf('sidecar/data/db/inbound/5432')['ALLOW'] ?? {};
    expect(Object.keys(allow)).toEqual(['authorizationpolicy/data/db-clients/rule/0']);
  });

  it('a Service source becomes its service account SPIFFE ID, an IP block the peer address', () => {
    const allow = rbacOf('sidecar/data/db/inbound/5432')['ALLOW'] ?? {};
    expect(allow['authorizationpolicy/data/db-clients/rule/0']).toEqual({
      permissions: [{ any: true }],
      principals: [
        { authenticated: { principal_name: { exact: 'spiffe://example.org/ns/shop/sa/api-sa' } } },
        { direct_remote_ip: { address_prefix: '10.9.0.0', prefix_len: 16 } },
      ],
    });
  });

  it('an HTTP port of the same Service gets no network RBAC', () => {
    expect(rbacOf('sidecar/data/db/inbound/8080')).toEqual({});
  });
});
