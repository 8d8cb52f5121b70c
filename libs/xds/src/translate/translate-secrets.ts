// SDS Secret resources from the model's Secret objects: a tls Secret becomes a
// tls_certificate (chain and key inline), a ca Secret a validation_context
// (trusted_ca). Only the names a snapshot references are built. The xDS server
// serves these; previews and config dumps show redactSecretResources' copy, whose
// private keys are replaced by a marker. Pure.
import type { JsonObject } from '@crossway/protos';
import type { SecretSpec } from '@crossway/model';
import { sha256 } from '../snapshot/stable-json';

/** A model Secret as stored (key included). */
export interface SecretObject {
  metadata: { namespace?: string | undefined; name: string };
  spec: SecretSpec;
}

export interface TranslatedSecrets {
  /** Sorted by name. */
  secrets: JsonObject[];
  /** Referenced names with no usable Secret behind them (missing, wrong type, or a tls Secret without its key). */
  missing: string[];
}

const BUNDLE_PREFIX = 'ca-bundle/';

/**
 * The SDS name of the validation context for client CA Secrets ("secret/<ns>/<name>"):
 * the Secret's own name for one CA; for several, "ca-bundle/<ns>/<a>,<ns>/<b>" (in
 * the listener's order), whose trusted_ca is their certificates concatenated.
 * Envoy takes one validation context per TLS context.
 */
export function validationSecretName(caSecrets: readonly string[]): string | undefined {
  if (caSecrets.length <= 1) return caSecrets[0];
  return `${BUNDLE_PREFIX}${caSecrets.map((s) => s.slice('secret/'.length)).join(',')}`;
}

function secretKey(secret: SecretObject): string {
  return `secret/${secret.metadata.namespace ?? 'default'}/${secret.metadata.name}`;
}

function inline(text: string): JsonObject {
  return { inline_string: text };
}

function buildOne(name: string, byName: ReadonlyMap<string, SecretObject>): JsonObject | undefined {
  const parts = name.startsWith(BUNDLE_PREFIX)
    ? name
        .slice(BUNDLE_PREFIX.length)
        .split(',')
        .map((s) => `secret/${s}`)
    : [name];
  const found = parts.map((p) => byName.get(p));
  const [only] = found;
  if (parts.length === 1 && only?.spec.type === 'tls') {
    const chain = only.spec.data['tls.crt'];
    const key = only.spec.data['tls.key'];
    if (chain === undefined || key === undefined) return undefined;
    return {
      name,
      tls_certificate: { certificate_chain: inline(chain), private_key: inline(key) },
    };
  }
  const bundles: string[] = [];
  for (const secret of found) {
    const ca = secret?.spec.type === 'ca' ? secret.spec.data['ca.crt'] : undefined;
    if (ca === undefined) return undefined;
    bundles.push(ca.endsWith('\n') ? ca : `${ca}\n`);
  }
  return { name, validation_context: { trusted_ca: inline(bundles.join('')) } };
}

/** The Envoy Secret resources for `names` (as referencedSecrets gives them). */
export function translateSecrets(
  names: Iterable<string>,
  secrets: readonly SecretObject[],
): TranslatedSecrets {
  const byName = new Map(secrets.map((s) => [secretKey(s), s]));
  const result: TranslatedSecrets = { secrets: [], missing: [] };
  for (const name of [...new Set(names)].sort()) {
    const built = buildOne(name, byName);
    if (built) result.secrets.push(built);
    else result.missing.push(name);
  }
  return result;
}

/** What stands in for a private key in previews and dumps (the contract's keySha256). */
export function redactedKeyMarker(key: string): string {
  return `[redacted keySha256=${sha256(key)}]`;
}

/** The same Secret resources with every private key replaced by its marker. */
export function redactSecretResources(secrets: readonly JsonObject[]): JsonObject[] {
  return secrets.map((secret) => {
    const tls = secret['tls_certificate'];
    if (typeof tls !== 'object' || tls === null || Array.isArray(tls)) return secret;
    const key = tls['private_key'];
    if (typeof key !== 'object' || key === null || Array.isArray(key)) return secret;
    const text = key['inline_string'];
    if (typeof text !== 'string') return secret;
    return {
      ...secret,
      tls_certificate: { ...tls, private_key: { inline_string: redactedKeyMarker(text) } },
    };
  });
}
