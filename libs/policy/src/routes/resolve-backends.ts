// backendRefs (and mirror backends): the Service must exist, have the port, and,
// across namespaces, be granted by a ReferenceGrant in its namespace.
import { REASONS, type Reason } from '../common/conditions';
import type { ObjectIndex, StoredRoute } from '../common/object-index';
import type { GrantCheck } from '../common/reference-grants';
import type { ResolvedBackend } from './route-types';

/** A reference that did not resolve, with the spec path that names it. */
export interface RefProblem {
  path: string;
  reason: Reason;
  message: string;
}

export interface BackendRefInput {
  name: string;
  namespace?: string | undefined;
  port: number;
  weight?: number | undefined;
}

export type BackendResult =
  { ok: true; backend: ResolvedBackend } | { ok: false; problem: RefProblem };

const L7_PROTOCOLS: readonly string[] = ['http', 'http2', 'grpc'];

export function resolveBackendRef(
  index: ObjectIndex,
  grants: GrantCheck,
  route: StoredRoute,
  ref: BackendRefInput,
  path: string,
): BackendResult {
  const namespace = ref.namespace ?? route.namespace;
  const target = `Service ${namespace}/${ref.name}`;
  const fail = (reason: Reason, message: string): BackendResult => ({
    ok: false,
    problem: { path, reason, message: `${path}: ${message}` },
  });
  if (
    !grants(
      { kind: route.kind, namespace: route.namespace },
      { kind: 'Service', namespace, name: ref.name },
    )
  )
    return fail(
      REASONS.RefNotPermitted,
      `${target} is in another namespace and no ReferenceGrant in "${namespace}" allows ${route.kind} from "${route.namespace}"`,
    );
  const service = index.services.get(`${namespace}/${ref.name}`);
  if (!service) return fail(REASONS.BackendNotFound, `${target} not found`);
  const port = service.spec.ports.find((p) => p.port === ref.port);
  if (!port) return fail(REASONS.BackendNotFound, `${target} has no port ${ref.port}`);
  const l7 = route.kind === 'HTTPRoute' || route.kind === 'GRPCRoute';
  if (l7 && !L7_PROTOCOLS.includes(port.protocol))
    return fail(
      REASONS.InvalidKind,
      `${target} port ${ref.port} has protocol ${port.protocol}, which cannot carry ${route.kind} traffic`,
    );
  return {
    ok: true,
    backend: {
      service: { namespace, name: ref.name },
      port: port.port,
      portName: port.name,
      protocol: port.protocol,
      weight: ref.weight ?? 1,
    },
  };
}
