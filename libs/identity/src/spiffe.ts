// SPIFFE IDs of the contract: spiffe://<trustDomain>/ns/<n>/sa/<serviceAccount> for
// workloads and spiffe://<trustDomain>/ns/<n>/gateway/<g> for the edges of Gateway g.
import { uriSansOf } from './x509';

export function spiffeIdOfWorkload(
  trustDomain: string,
  namespace: string,
  serviceAccount: string,
): string {
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

export function spiffeIdOfGateway(trustDomain: string, namespace: string, gateway: string): string {
  return `spiffe://${trustDomain}/ns/${namespace}/gateway/${gateway}`;
}

/** Every URI SAN of a PEM certificate (its first certificate when it is a chain). */
export function spiffeIdsOf(certificatePem: string): string[] {
  return uriSansOf(certificatePem);
}

/** Throws unless `id` looks like a SPIFFE ID a certificate may carry. */
export function checkSpiffeId(id: string): void {
  if (!/^spiffe:\/\/[^/\s]+(\/[^\s]*)?$/.test(id) || id.length > 2048) {
    throw new Error(`"${id}" is not a SPIFFE ID (spiffe://<trust domain>/<path>)`);
  }
}
