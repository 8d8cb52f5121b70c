// Mesh mTLS transport sockets of Envoy proxies (sidecars and edges): the proxy's
// own certificate (a workload's, or its Gateway's at an edge) and the trust bundle
// by SDS name over ADS; downstream (sidecar inbound) requires a client certificate
// from the trust domain, upstream checks the upstream Service's SPIFFE ID.
import type { JsonObject } from '@crossway/protos';
import type { UpstreamTls } from '../ir/common-ir';
import { MESH_CERTIFICATE_SDS, MESH_TRUST_BUNDLE_SDS } from '../ir/names';
import { adsConfigSource, anyOf } from './resources';

function sds(name: string): JsonObject {
  return { name, sds_config: adsConfigSource() };
}

function meshTlsContext(sanMatcher: JsonObject, alpn: string[]): JsonObject {
  const context: JsonObject = {
    tls_certificate_sds_secret_configs: [sds(MESH_CERTIFICATE_SDS)],
    combined_validation_context: {
      default_validation_context: {
        match_typed_subject_alt_names: [{ san_type: 'URI', matcher: sanMatcher }],
      },
      validation_context_sds_secret_config: sds(MESH_TRUST_BUNDLE_SDS),
    },
  };
  if (alpn.length > 0) context['alpn_protocols'] = alpn;
  return context;
}

/** Inbound mTLS: any workload of the trust domain; authorization decides who may call. */
export function downstreamMtls(trustDomain: string, http: boolean): JsonObject {
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: anyOf('envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext', {
      common_tls_context: meshTlsContext(
        { prefix: `spiffe://${trustDomain}/` },
        http ? ['h2', 'http/1.1'] : [],
      ),
      require_client_certificate: true,
    }),
  };
}

/** Upstream TLS: mesh mTLS to the upstream's SPIFFE ID, or an external Service's TLS. */
export function upstreamTls(tls: UpstreamTls): JsonObject {
  const fields: JsonObject = {};
  if (tls.kind === 'mesh') {
    fields['common_tls_context'] = meshTlsContext({ exact: tls.subjectAltName }, []);
    fields['sni'] = tls.sni;
  } else {
    const common: JsonObject = {};
    if (tls.caSecret !== undefined)
      common['validation_context_sds_secret_config'] = sds(tls.caSecret);
    fields['common_tls_context'] = common;
    if (tls.sni !== undefined) fields['sni'] = tls.sni;
  }
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: anyOf('envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', fields),
  };
}
