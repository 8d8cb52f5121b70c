// One group's resources from the resolved policy, with the libs/xds builders of its
// role, then buildSnapshot for versions and consistency problems. Edge TLS
// certificates and CA bundles come from the stored Secrets (key material included).
// The mesh identity secrets (crossway-identity, crossway-roots) come from the
// identity layer when the control plane runs one (identity-secrets.ts); without it
// they are only counted as existing elsewhere, as before.
import type { ResolvedPolicy } from '@crossway/policy';
import {
  buildEdgeIr,
  buildProxylessIr,
  buildSidecarIr,
  buildSnapshot,
  translateEdge,
  translateProxyless,
  referencedSecrets,
  translateSecrets,
  translateSidecar,
  type EnvoyResources,
  type ProxylessIr,
  type SecretObject,
  type Snapshot,
} from '@crossway/xds';
import type { ProxyNode } from '../contracts';
import { MESH_IDENTITY_SECRETS, type IdentitySecretSource } from '../identity/index';
import { identitySecrets, proxylessIdentityNames, type IdentityUse } from './identity-secrets';

export type GroupBuild =
  | {
      ok: true;
      snapshot: Snapshot;
      /** Proxyless only: for server Listeners asked for by name. */
      proxylessIr?: ProxylessIr;
      /** Referenced secrets no stored Secret provides (already among the snapshot's problems). */
      missingSecrets: string[];
      /** The mesh identity secrets it serves. */
      identity: IdentityUse;
    }
  | {
      ok: false;
      reason: string;
      /** Waiting for its certificate: not a problem, a rebuild follows once it is issued. */
      pending?: boolean;
      identity?: IdentityUse;
    };

function locality(node: ProxyNode): { region?: string; zone?: string } {
  return {
    ...(node.locality.region === undefined ? {} : { region: node.locality.region }),
    ...(node.locality.zone === undefined ? {} : { zone: node.locality.zone }),
  };
}

/** Adds the secrets `names` refer to and builds the snapshot. */
function finish(
  resolved: ResolvedPolicy,
  node: ProxyNode,
  resources: EnvoyResources,
  names: readonly string[],
  secrets: readonly SecretObject[],
  identity: IdentitySecretSource | undefined,
  proxylessIr?: ProxylessIr,
): GroupBuild {
  const stored = translateSecrets(
    names.filter((n) => !MESH_IDENTITY_SECRETS.has(n)),
    secrets,
  );
  const mesh = names.filter((n) => MESH_IDENTITY_SECRETS.has(n));
  const served = identity ? identitySecrets(resolved, node, mesh, identity) : undefined;
  if (served && !served.ok)
    return { ok: false, reason: served.reason, pending: served.pending, identity: served.use };
  const all = { ...resources, secrets: [...resources.secrets, ...stored.secrets] };
  if (served) all.secrets.push(...served.secrets);
  const use: IdentityUse = served?.use ?? { roots: false };
  return {
    ok: true,
    snapshot: buildSnapshot(all, served ? {} : { externalSecrets: mesh }),
    ...(proxylessIr === undefined ? {} : { proxylessIr }),
    missingSecrets: stored.missing,
    identity: use,
  };
}

function buildEdge(
  resolved: ResolvedPolicy,
  node: ProxyNode,
  secrets: readonly SecretObject[],
  identity: IdentitySecretSource | undefined,
): GroupBuild {
  const gateway = node.gateway ?? '';
  const ir = buildEdgeIr(resolved, gateway, { locality: locality(node) });
  if (!ir) return { ok: false, reason: `Gateway ${gateway} not found` };
  const resources = translateEdge(ir);
  return finish(resolved, node, resources, referencedSecrets(resources), secrets, identity);
}

function buildSidecar(
  resolved: ResolvedPolicy,
  node: ProxyNode,
  secrets: readonly SecretObject[],
  identity: IdentitySecretSource | undefined,
): GroupBuild {
  const service = node.service ?? '';
  const ir = buildSidecarIr(resolved, {
    service,
    ...(node.workload === undefined ? {} : { workload: node.workload }),
    ...(node.ports === undefined ? {} : { ports: node.ports }),
    ...(node.outbound === undefined ? {} : { outbound: node.outbound }),
    locality: locality(node),
  });
  if (!ir) return { ok: false, reason: `Service ${service} not found` };
  const resources = translateSidecar(ir);
  return finish(resolved, node, resources, referencedSecrets(resources), secrets, identity);
}

function buildProxyless(
  resolved: ResolvedPolicy,
  node: ProxyNode,
  identity: IdentitySecretSource | undefined,
): GroupBuild {
  const ir = buildProxylessIr(resolved, {
    ...(node.service === undefined ? {} : { service: node.service }),
    certificateProviders: node.certificateProviders ?? true,
  });
  if (!ir) return { ok: false, reason: `Service ${node.service ?? ''} not found` };
  // Nothing in its resources names the identity secrets (gRPC reads certificate
  // providers); they are served for SDS fetches (a certificate agent) all the same.
  const names = identity ? proxylessIdentityNames(resolved, node) : [];
  return finish(resolved, node, translateProxyless(ir), names, [], identity, ir);
}

/** The snapshot of the group `node` belongs to. */
export function buildGroup(
  resolved: ResolvedPolicy,
  node: ProxyNode,
  secrets: readonly SecretObject[],
  identity?: IdentitySecretSource,
): GroupBuild {
  switch (node.role) {
    case 'edge':
      return buildEdge(resolved, node, secrets, identity);
    case 'sidecar':
      return buildSidecar(resolved, node, secrets, identity);
    case 'proxyless':
      return buildProxyless(resolved, node, identity);
  }
}
