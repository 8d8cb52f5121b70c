// mTLS for proxyless gRPC through the bootstrap's certificate provider
// instances (contract names crossway-identity and crossway-roots): gRPC takes
// no SDS, no inline certificates, no tls_params.
import type { JsonObject } from '@crossway/protos';
import { anyOf } from './resources';

export const IDENTITY_PROVIDER_INSTANCE = 'crossway-identity';
export const ROOTS_PROVIDER_INSTANCE = 'crossway-roots';
const TLS_SOCKET = 'envoy.transport_sockets.tls';

function commonTlsContext(subjectAltNames: readonly string[]): JsonObject {
  const validation: JsonObject = {
    ca_certificate_provider_instance: { instance_name: ROOTS_PROVIDER_INSTANCE },
  };
  // gRPC reads match_subject_alt_names (not the typed variant) on clients.
  if (subjectAltNames.length > 0)
    validation['match_subject_alt_names'] = subjectAltNames.map((san) => ({ exact: san }));
  return {
    tls_certificate_provider_instance: { instance_name: IDENTITY_PROVIDER_INSTANCE },
    validation_context: validation,
  };
}

/** Client side: present our identity, accept only the upstream's SPIFFE IDs. */
export function upstreamTlsSocket(subjectAltNames: readonly string[]): JsonObject {
  return {
    name: TLS_SOCKET,
    typed_config: anyOf('envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', {
      common_tls_context: commonTlsContext(subjectAltNames),
    }),
  };
}

/** Server side: present our identity; with `requireClientCertificate`, callers must present one from our roots. */
export function downstreamTlsSocket(requireClientCertificate: boolean): JsonObject {
  return {
    name: TLS_SOCKET,
    typed_config: anyOf('envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext', {
      common_tls_context: commonTlsContext([]),
      require_client_certificate: requireClientCertificate,
    }),
  };
}
