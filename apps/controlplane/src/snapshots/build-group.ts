// One group's resources from the resolved policy, with the libs/xds builders of its
// role, then buildSnapshot for versions and consistency problems. Edge TLS
// certificates and CA bundles come from the stored Secrets (key material included);
// the sidecar and proxyless identity secrets (crossway-identity, crossway-roots) are
// served by the identity layer (issue 7) and only counted as existing elsewhere.
import type { ResolvedPolicy } from '@crossway/policy';
import {
  buildEdgeIr,
  buildProxylessIr,
  buildSidecarIr,
  buildSnapshot,
  referencedSecrets,
  SIDECAR_CERTIFICATE_SDS,
  SIDECAR_TRUST_BUNDLE_SDS,
  sidecarSecretNames,
  translateEdge,
  translateProxyless,
  translateSecrets,
  translateSidecar,
  type EnvoyResources,
  type ProxylessIr,
  type SecretObject,
  type Snapshot,
} from '@crossway/xds';
import type { ProxyNode } from '../contracts';

export type GroupBuild =
  | {
      ok: true;
      snapshot: Snapshot;
      /** Proxyless only: for server Listeners asked for by name. */
      proxylessIr?: ProxylessIr;
      /** Referenced secrets no stored Secret provides (already among the snapshot's problems). */
      missingSecrets: string[];
    }
  | { ok: false; reason: string };

const IDENTITY_SECRETS = new Set([SIDECAR_CERTIFICATE_SDS, SIDECAR_TRUST_BUNDLE_SDS]);

function withSecrets(
  resources: EnvoyResources,
  names: readonly string[],
  secrets: readonly SecretObject[],
): { resources: EnvoyResources; external: string[]; missing: string[] } {
  const external = names.filter((n) => IDENTITY_SECRETS.has(n));
  const translated = translateSecrets(
    names.filter((n) => !IDENTITY_SECRETS.has(n)),
    secrets,
  );
  return {
    resources: { ...resources, secrets: [...resources.secrets, ...translated.secrets] },
    external,
    missing: translated.missing,
  };
}

function locality(node: ProxyNode): { region?: string; zone?: string } {
  return {
    ...(node.locality.region === undefined ? {} : { region: node.locality.region }),
    ...(node.locality.zone === undefined ? {} : { zone: node.locality.zone }),
  };
}

function buildEdge(
  resolved: ResolvedPolicy,
  node: ProxyNode,
  secrets: readonly SecretObject[],
): GroupBuild {
  const gateway = node.gateway ?? '';
  const ir = buildEdgeIr(resolved, gateway, { locality: locality(node) });
  if (!ir) return { ok: false, reason: `Gateway ${gateway} not found` };
  const resources = translateEdge(ir);
  const done = withSecrets(resources, referencedSecrets(resources), secrets);
  return {
    ok: true,
    snapshot: buildSnapshot(done.resources, { externalSecrets: done.external }),
    missingSecrets: done.missing,
  };
}

function buildSidecar(
  resolved: ResolvedPolicy,
  node: ProxyNode,
  secrets: readonly SecretObject[],
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
  const done = withSecrets(resources, sidecarSecretNames(resources), secrets);
  return {
    ok: true,
    snapshot: buildSnapshot(done.resources, { externalSecrets: done.external }),
    missingSecrets: done.missing,
  };
}

function buildProxyless(resolved: ResolvedPolicy, node: ProxyNode): GroupBuild {
  const ir = buildProxylessIr(resolved, {
    ...(node.service === undefined ? {} : { service: node.service }),
    certificateProviders: node.certificateProviders ?? true,
  });
  if (!ir) return { ok: false, reason: `Service ${node.service ?? ''} not found` };
  return {
    ok: true,
    snapshot: buildSnapshot(translateProxyless(ir)),
    proxylessIr: ir,
    missingSecrets: [],
  };
}

/** The snapshot of the group `node` belongs to. */
export function buildGroup(
  resolved: ResolvedPolicy,
  node: ProxyNode,
  secrets: readonly SecretObject[],
): GroupBuild {
  switch (node.role) {
    case 'edge':
      return buildEdge(resolved, node, secrets);
    case 'sidecar':
      return buildSidecar(resolved, node, secrets);
    case 'proxyless':
      return buildProxyless(resolved, node);
  }
}
