// The DownstreamTlsContext of an edge filter chain that terminates TLS: server
// certificates by SDS name and, with client validation, a required client
// certificate checked against the CA bundle Secret (also by SDS name).
import type { JsonObject } from '@crossway/protos';
import { adsConfigSource, anyOf } from './resources';
import { validationSecretName } from './translate-secrets';

export function downstreamTls(
  certificates: readonly string[],
  clientCAs: readonly string[],
  alpn: readonly string[],
): JsonObject {
  const common: JsonObject = {
    tls_certificate_sds_secret_configs: certificates.map((name) => ({
      name,
      sds_config: adsConfigSource(),
    })),
  };
  if (alpn.length > 0) common['alpn_protocols'] = [...alpn];
  const context: JsonObject = { common_tls_context: common };
  const validation = validationSecretName(clientCAs);
  if (validation !== undefined) {
    common['validation_context_sds_secret_config'] = {
      name: validation,
      sds_config: adsConfigSource(),
    };
    context['require_client_certificate'] = true;
  }
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: anyOf('envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext', context),
  };
}
