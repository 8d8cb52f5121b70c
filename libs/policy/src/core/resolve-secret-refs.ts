// Secret references (listener certificates, client CAs, external Service CAs):
// the Secret must exist, be of the expected type, and across namespaces be granted.
// Messages name the Secret, never its contents.
import { REASONS, type Reason } from '../common/conditions';
import type { NamespacedName } from '../common/ids';
import type { ObjectIndex } from '../common/object-index';
import type { GrantCheck, GrantFrom } from '../common/reference-grants';
import type { RefProblem } from '../routes/resolve-backends';

export type SecretRefResult =
  { ok: true; secret: NamespacedName } | { ok: false; problem: RefProblem };

export function resolveSecretRef(
  index: ObjectIndex,
  grants: GrantCheck,
  from: GrantFrom,
  ref: { name: string; namespace?: string | undefined },
  type: 'tls' | 'ca',
  path: string,
): SecretRefResult {
  const namespace = ref.namespace ?? from.namespace;
  const invalid: Reason =
    type === 'tls' ? REASONS.InvalidCertificateRef : REASONS.InvalidCACertificateRef;
  const fail = (reason: Reason, message: string): SecretRefResult => ({
    ok: false,
    problem: { path, reason, message: `${path}: ${message}` },
  });
  const target = `Secret ${namespace}/${ref.name}`;
  if (!grants(from, { kind: 'Secret', namespace, name: ref.name }))
    return fail(
      REASONS.RefNotPermitted,
      `${target} is in another namespace and no ReferenceGrant in "${namespace}" allows ${from.kind} from "${from.namespace}"`,
    );
  const secret = index.secrets.get(`${namespace}/${ref.name}`);
  if (!secret) return fail(invalid, `${target} not found`);
  if (secret.spec.type !== type)
    return fail(invalid, `${target} has type ${secret.spec.type}, expected ${type}`);
  return { ok: true, secret: { namespace, name: ref.name } };
}
