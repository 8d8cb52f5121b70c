// A group's mesh identity secrets, from the identity layer: `crossway-identity` is
// the certificate of the group's own SPIFFE ID (from its authenticated node, see
// identity/node-identity.ts), `crossway-roots` the trust bundle. Only the names the
// group's resources refer to are served (proxyless: both unless the Mesh disables
// mTLS; the certificate only with a Service), so what a stream asks for never
// widens what it gets.
import type { ResolvedPolicy } from '@crossway/policy';
import type { JsonObject } from '@crossway/protos';
import type { ProxyNode } from '../contracts';
import {
  certificateTtlMs,
  IDENTITY_SECRET,
  nodeSpiffeId,
  ROOTS_SECRET,
  type IdentitySecretSource,
} from '../identity/index';

/** What a group serves of the mesh identity (its SPIFFE ID when it serves a certificate). */
export interface IdentityUse {
  spiffeId?: string;
  roots: boolean;
}

export type IdentitySecrets =
  | { ok: true; secrets: JsonObject[]; use: IdentityUse }
  | { ok: false; reason: string; pending: boolean; use: IdentityUse };

/** The identity names a proxyless group serves. */
export function proxylessIdentityNames(resolved: ResolvedPolicy, node: ProxyNode): string[] {
  if (resolved.mesh.spec.mtls.mode === 'DISABLED') return [];
  return node.service === undefined ? [ROOTS_SECRET] : [IDENTITY_SECRET, ROOTS_SECRET];
}

export function identitySecrets(
  resolved: ResolvedPolicy,
  node: ProxyNode,
  names: readonly string[],
  source: IdentitySecretSource,
): IdentitySecrets {
  const secrets: JsonObject[] = [];
  const use: IdentityUse = { roots: names.includes(ROOTS_SECRET) };
  if (names.includes(IDENTITY_SECRET)) {
    const spiffeId = nodeSpiffeId(resolved, node);
    if (spiffeId === undefined)
      return { ok: false, reason: 'the node has no mesh identity', pending: false, use };
    use.spiffeId = spiffeId;
    const certificate = source.certificateSecret(spiffeId, certificateTtlMs(resolved));
    if (!certificate)
      return { ok: false, reason: `issuing the certificate of ${spiffeId}`, pending: true, use };
    secrets.push(certificate);
  }
  if (use.roots) secrets.push(source.rootsSecret());
  return { ok: true, secrets, use };
}
