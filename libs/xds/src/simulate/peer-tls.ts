// The TLS handshake of a chosen filter chain, as Envoy runs it: a chain with a
// DownstreamTlsContext terminates TLS and, when it has a validation context, asks
// for a client certificate (required with require_client_certificate) and checks
// its URI SAN against match_typed_subject_alt_names / match_subject_alt_names.
// The peer's SPIFFE ID reaches RBAC only from a validated client certificate; a
// plaintext chain sees none, and an HTTP chain without TLS cannot read a handshake.
import type { JsonObject } from '@crossway/protos';
import { boolAt, objectAt, objectsAt, stringAt } from './json-read';
import { connectionManager } from './select-filter-chain';
import { matchString } from './string-match';

/** The client side of a connection: TLS or not, and the URI SAN of its certificate (mTLS). */
export interface PeerTls {
  tls: boolean;
  /** The client certificate's SPIFFE ID (issued by the trust bundle); absent: no client certificate. */
  certificate?: string | undefined;
}

export type HandshakeOutcome =
  /** `principal`: the peer identity RBAC sees (absent without a validated client certificate). */
  { ok: true; principal?: string } | { ok: false; reason: string };

const DOWNSTREAM_TLS =
  'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';

/** The context that validates client certificates, or undefined when none is asked for. */
function validationOf(common: JsonObject | undefined): JsonObject | undefined {
  const combined = objectAt(common, 'combined_validation_context');
  if (combined) return objectAt(combined, 'default_validation_context') ?? {};
  if (objectAt(common, 'validation_context_sds_secret_config')) return {};
  return objectAt(common, 'validation_context');
}

function sanAccepted(validation: JsonObject, certificate: string): boolean {
  const typed = objectsAt(validation, 'match_typed_subject_alt_names');
  const plain = objectsAt(validation, 'match_subject_alt_names');
  if (typed.length === 0 && plain.length === 0) return true;
  return (
    typed.some(
      (m) => stringAt(m, 'san_type') === 'URI' && matchString(objectAt(m, 'matcher'), certificate),
    ) || plain.some((m) => matchString(m, certificate))
  );
}

export function handshake(chain: JsonObject, peer: PeerTls): HandshakeOutcome {
  const socket = objectAt(objectAt(chain, 'transport_socket'), 'typed_config');
  if (!socket || stringAt(socket, '@type') !== DOWNSTREAM_TLS) {
    // Passthrough and TCP chains carry the client's bytes as they are.
    if (peer.tls && connectionManager(chain))
      return { ok: false, reason: 'the chain does not terminate TLS (plaintext only)' };
    return { ok: true };
  }
  if (!peer.tls) return { ok: false, reason: 'the chain requires TLS' };
  const validation = validationOf(objectAt(socket, 'common_tls_context'));
  if (!validation) return { ok: true };
  if (peer.certificate === undefined)
    return boolAt(socket, 'require_client_certificate')
      ? { ok: false, reason: 'the chain requires a client certificate' }
      : { ok: true };
  if (!sanAccepted(validation, peer.certificate))
    return {
      ok: false,
      reason: `the client certificate ${peer.certificate} matches no accepted subject alt name`,
    };
  return { ok: true, principal: peer.certificate };
}
