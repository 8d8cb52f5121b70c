// The two Envoy Secret resources of the mesh identity: `crossway-identity` is a
// tls_certificate (chain and PKCS#8 key inline), `crossway-roots` a validation_context
// whose trusted_ca is the trust bundle (every trusted root, PEM). Pure; the snapshot
// check round-trips them through the protos and their PGV rules like any resource.
import type { JsonObject } from '@crossway/protos';
import { IDENTITY_SECRET, ROOTS_SECRET } from './secret-names';

export function identitySecretResource(certificate: {
  certificateChainPem: string;
  privateKeyPem: string;
}): JsonObject {
  return {
    name: IDENTITY_SECRET,
    tls_certificate: {
      certificate_chain: { inline_string: certificate.certificateChainPem },
      private_key: { inline_string: certificate.privateKeyPem },
    },
  };
}

export function rootsSecretResource(bundlePem: string): JsonObject {
  return { name: ROOTS_SECRET, validation_context: { trusted_ca: { inline_string: bundlePem } } };
}
