// The upstream TLS of a cluster to a Service, the same for every proxy that
// originates it (sidecar outbound and edge): mesh Services get mTLS to their
// SPIFFE ID unless the Mesh disables it (PERMISSIVE servers accept both, so
// clients always originate it), external Services their own TLS settings.
import type { ResolvedPolicy, ResolvedService } from '@crossway/policy';
import type { UpstreamTls } from './common-ir';
import { secretName, spiffeId } from './names';

/** The upstream TLS towards `service`, or undefined for plaintext. */
export function upstreamTlsOf(
  resolved: ResolvedPolicy,
  service: ResolvedService,
): UpstreamTls | undefined {
  if (service.external) {
    const tls = service.external.tls;
    if (!tls) return undefined;
    const result: UpstreamTls = { kind: 'external' };
    if (tls.sni !== undefined) result.sni = tls.sni;
    if (service.externalCARef) result.caSecret = secretName(service.externalCARef);
    return result;
  }
  const { mtls, trustDomain } = resolved.mesh.spec;
  if (mtls.mode === 'DISABLED') return undefined;
  return {
    kind: 'mesh',
    sni: service.hosts[0] ?? `${service.name}.${service.namespace}`,
    subjectAltName: spiffeId(trustDomain, service.namespace, service.serviceAccount),
  };
}
