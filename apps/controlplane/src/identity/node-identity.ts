// Whose certificate a proxy gets: always from its authenticated node (the role and
// target its token was checked against), never from the names it asks for. A sidecar
// or proxyless node gets its Service's SPIFFE ID (the Service's serviceAccount); an
// edge its Gateway's. A pure proxyless client (no Service) has no identity.
import { parseDuration } from '@crossway/model';
import { serviceIndex, type ResolvedPolicy } from '@crossway/policy';
import { spiffeIdOfGateway, spiffeIdOfWorkload } from '@crossway/identity';
import type { ProxyNode } from '../contracts';

function split(key: string): { namespace: string; name: string } | undefined {
  const [namespace, name, extra] = key.split('/');
  if (!namespace || !name || extra !== undefined) return undefined;
  return { namespace, name };
}

/** The SPIFFE ID of the node's certificate under `resolved`, or undefined when it has none. */
export function nodeSpiffeId(resolved: ResolvedPolicy, node: ProxyNode): string | undefined {
  const trustDomain = resolved.mesh.spec.trustDomain;
  if (node.role === 'edge') {
    const gateway = node.gateway === undefined ? undefined : split(node.gateway);
    return gateway && spiffeIdOfGateway(trustDomain, gateway.namespace, gateway.name);
  }
  if (node.service === undefined) return undefined;
  const service = serviceIndex(resolved).get(node.service);
  return service && spiffeIdOfWorkload(trustDomain, service.namespace, service.serviceAccount);
}

/** Mesh spec.ca.certTTL in ms (the model guarantees at least 10 minutes). */
export function certificateTtlMs(resolved: ResolvedPolicy): number {
  return parseDuration(resolved.mesh.spec.ca.certTTL) ?? 24 * 3_600_000;
}
