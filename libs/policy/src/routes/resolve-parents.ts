// parentRefs: which Gateway listeners and Service ports a route attaches to, and
// the Accepted condition for each parentRef.
import { falseCondition, REASONS, trueCondition, type ConditionDraft } from '../common/conditions';
import { objectReference } from '../common/ids';
import type { StoredRoute } from '../common/object-index';
import type { GatewayDraft, ListenerDraft } from '../core/resolve-gateways';
import type { ServiceDraft } from '../core/resolve-services';
import { intersectHostnames } from './hostnames';
import type { ListenerAttachment, ResolvedParent, ServicePortAttachment } from './route-types';

export interface ParentResult {
  parent: ResolvedParent;
  accepted: ConditionDraft;
}

type ParentRef = StoredRoute['spec']['parentRefs'][number];

const L7_PROTOCOLS: readonly string[] = ['http', 'http2', 'grpc'];

export function routeHostnames(route: StoredRoute): string[] {
  return route.kind === 'TCPRoute' ? [] : route.spec.hostnames;
}

function namespaceAllowed(listener: ListenerDraft, route: StoredRoute): boolean {
  if (listener.allowedNamespaces === 'All') return true;
  if (listener.allowedNamespaces === 'Same') return listener.gateway.namespace === route.namespace;
  return false; // Selector: there is no Namespace kind to select yet.
}

function describeSection(ref: ParentRef, what: string): string {
  const parts: string[] = [];
  if (ref.sectionName !== undefined) parts.push(`named "${ref.sectionName}"`);
  if (ref.port !== undefined) parts.push(`on port ${ref.port}`);
  return parts.length === 0 ? `has no ${what}` : `has no ${what} ${parts.join(' ')}`;
}

function attachToGateway(
  route: StoredRoute,
  ref: ParentRef,
  gateway: GatewayDraft,
): { listeners: ListenerAttachment[]; condition: ConditionDraft } {
  const gw = `Gateway ${gateway.stored.namespace}/${gateway.stored.name}`;
  const candidates = gateway.listeners.filter(
    (l) =>
      (ref.sectionName === undefined || l.name === ref.sectionName) &&
      (ref.port === undefined || l.port === ref.port),
  );
  if (candidates.length === 0)
    return {
      listeners: [],
      condition: falseCondition(
        'Accepted',
        REASONS.NoMatchingParent,
        `${gw} ${describeSection(ref, 'listener')}`,
      ),
    };
  const listeners: ListenerAttachment[] = [];
  const refusals: string[] = [];
  let hostnameMismatch = false;
  for (const l of candidates) {
    if (!l.allowedKinds.includes(route.kind)) {
      refusals.push(`listener "${l.name}" (${l.protocol}) does not allow ${route.kind}`);
      continue;
    }
    if (!namespaceAllowed(l, route)) {
      refusals.push(
        l.allowedNamespaces === 'Selector'
          ? `listener "${l.name}" selects namespaces by label, which is not supported yet`
          : `listener "${l.name}" allows routes from namespace "${l.gateway.namespace}" only`,
      );
      continue;
    }
    const hostnames =
      route.kind === 'TCPRoute' ? [] : intersectHostnames(l.hostname, routeHostnames(route));
    if (route.kind !== 'TCPRoute' && hostnames.length === 0) {
      hostnameMismatch = true;
      refusals.push(
        `no route hostname intersects listener "${l.name}" hostname "${l.hostname ?? '*'}"`,
      );
      continue;
    }
    listeners.push({ gateway: { ...l.gateway }, listener: l.name, hostnames });
  }
  if (listeners.length > 0)
    return {
      listeners,
      condition: trueCondition(
        'Accepted',
        REASONS.Accepted,
        `Accepted by ${gw} listener${listeners.length > 1 ? 's' : ''} ${listeners.map((a) => `"${a.listener}"`).join(', ')}`,
      ),
    };
  return {
    listeners,
    condition: falseCondition(
      'Accepted',
      hostnameMismatch ? REASONS.NoMatchingListenerHostname : REASONS.NotAllowedByListeners,
      `${gw}: ${refusals.join('; ')}`,
    ),
  };
}

function attachToService(
  route: StoredRoute,
  ref: ParentRef,
  service: ServiceDraft,
): { servicePorts: ServicePortAttachment[]; condition: ConditionDraft } {
  const svc = `Service ${service.stored.namespace}/${service.stored.name}`;
  if (route.kind === 'TCPRoute' || route.kind === 'TLSRoute')
    return {
      servicePorts: [],
      condition: falseCondition(
        'Accepted',
        REASONS.UnsupportedValue,
        `${route.kind} cannot attach to a Service (mesh routes are HTTPRoute and GRPCRoute)`,
      ),
    };
  const ports = service.ports.filter(
    (p) =>
      (ref.sectionName === undefined || p.port.name === ref.sectionName) &&
      (ref.port === undefined || p.port.port === ref.port),
  );
  if (ports.length === 0)
    return {
      servicePorts: [],
      condition: falseCondition(
        'Accepted',
        REASONS.NoMatchingParent,
        `${svc} ${describeSection(ref, 'port')}`,
      ),
    };
  const l7 = ports.filter((p) => L7_PROTOCOLS.includes(p.port.protocol));
  if (l7.length === 0)
    return {
      servicePorts: [],
      condition: falseCondition(
        'Accepted',
        REASONS.UnsupportedValue,
        `${svc} port ${ports.map((p) => `${p.port.port} (${p.port.protocol})`).join(', ')} cannot carry ${route.kind} traffic`,
      ),
    };
  const role = route.namespace === service.stored.namespace ? 'Producer' : 'Consumer';
  return {
    servicePorts: l7.map((p) => ({
      service: { namespace: service.stored.namespace, name: service.stored.name },
      port: p.port.name,
      role,
    })),
    condition: trueCondition(
      'Accepted',
      REASONS.Accepted,
      `Accepted by ${svc} port${l7.length > 1 ? 's' : ''} ${l7.map((p) => p.port.port).join(', ')} as a ${role.toLowerCase()} route`,
    ),
  };
}

export function resolveParents(
  route: StoredRoute,
  gateways: ReadonlyMap<string, GatewayDraft>,
  services: ReadonlyMap<string, ServiceDraft>,
): ParentResult[] {
  return route.spec.parentRefs.map((ref) => {
    const namespace = ref.namespace ?? route.namespace;
    const parentRef = objectReference(ref.kind, ref.name, {
      namespace,
      sectionName: ref.sectionName,
      port: ref.port,
    });
    const parent: ResolvedParent = { parentRef, accepted: false, listeners: [], servicePorts: [] };
    const key = `${namespace}/${ref.name}`;
    let condition: ConditionDraft;
    if (ref.kind === 'Gateway') {
      const gateway = gateways.get(key);
      if (!gateway) {
        condition = falseCondition(
          'Accepted',
          REASONS.NoMatchingParent,
          `Gateway ${key} not found`,
        );
      } else {
        const r = attachToGateway(route, ref, gateway);
        parent.listeners = r.listeners;
        condition = r.condition;
      }
    } else {
      const service = services.get(key);
      if (!service) {
        condition = falseCondition(
          'Accepted',
          REASONS.NoMatchingParent,
          `Service ${key} not found`,
        );
      } else {
        const r = attachToService(route, ref, service);
        parent.servicePorts = r.servicePorts;
        condition = r.condition;
      }
    }
    parent.accepted = condition.status === 'True';
    return { parent, accepted: condition };
  });
}
