// resolvePolicy: every stored object in, the resolved model out (indexes, route
// tables, attached policies) with the status of every object. Pure: the same
// objects in any order give a deep-equal, byte-equal result.
import { meshSpec, type ValidatedObject } from '@crossway/model';
import { resolveReceiverPolicies } from './attachment/resolve-receiver-policies';
import { resolveTrafficPolicies } from './attachment/resolve-traffic-policies';
import { by, chain, sorted } from './common/compare';
import { nsName } from './common/ids';
import { indexObjects } from './common/object-index';
import { grantChecker } from './common/reference-grants';
import { resolveGateways, type GatewayDraft } from './core/resolve-gateways';
import { resolveServices, type ServiceDraft } from './core/resolve-services';
import type {
  ResolvedGateway,
  ResolvedPolicy,
  ResolvedService,
  ResolvedServicePort,
} from './resolved-types';
import { resolveStatuses } from './resolve-statuses';
import { resolveListenerTables } from './routes/resolve-listener-tables';
import {
  indexServicePortAttachments,
  resolveMeshTables,
  type ServicePortAttachments,
} from './routes/resolve-mesh-tables';
import { resolveRoutes, type RouteDraft } from './routes/resolve-routes';
import { findShadowedMatches, type NamedTable } from './routes/resolve-shadowing';

function assembleGateway(
  draft: GatewayDraft,
  routes: readonly RouteDraft[],
  tables: NamedTable[],
  attachedRoutes: Map<string, number>,
): ResolvedGateway {
  const { stored } = draft;
  return {
    namespace: stored.namespace,
    name: stored.name,
    xffNumTrustedHops: stored.spec.clientIPDetection?.xffNumTrustedHops ?? 0,
    listeners: draft.listeners.map((l) => {
      const t = resolveListenerTables(l, routes);
      attachedRoutes.set(`${nsName(stored)}/${l.name}`, t.attachedRoutes);
      for (const vh of t.virtualHosts)
        tables.push({
          label: `Gateway ${nsName(stored)} listener "${l.name}" host "${vh.hostname}"`,
          entries: vh.entries,
        });
      const listener: ResolvedGateway['listeners'][number] = {
        name: l.name,
        port: l.port,
        protocol: l.protocol,
        allowedRoutes: { namespaces: l.allowedNamespaces, kinds: l.allowedKinds },
        ready: l.ready,
        attachedRoutes: t.attachedRoutes,
        virtualHosts: t.virtualHosts,
        l4Routes: t.l4Routes,
      };
      if (l.hostname !== undefined) listener.hostname = l.hostname;
      if (l.tls !== undefined) listener.tls = l.tls;
      return listener;
    }),
  };
}

function assembleService(
  draft: ServiceDraft,
  attachments: ServicePortAttachments,
  tables: NamedTable[],
): ResolvedService {
  const { stored } = draft;
  const { spec } = stored;
  const meshTables = resolveMeshTables(draft, attachments);
  const ports = draft.ports.map(({ port, endpoints }) => {
    const portRoutes = meshTables.get(port.name) ?? { producer: [], consumers: [] };
    const where = `Service ${nsName(stored)} port "${port.name}"`;
    tables.push({ label: `${where} (producer routes)`, entries: portRoutes.producer });
    for (const c of portRoutes.consumers)
      tables.push({ label: `${where} (consumer routes of "${c.namespace}")`, entries: c.entries });
    const resolved: ResolvedServicePort = {
      name: port.name,
      port: port.port,
      protocol: port.protocol,
      endpoints,
      routes: portRoutes,
    };
    if (port.appProtocol !== undefined) resolved.appProtocol = port.appProtocol;
    return resolved;
  });
  const service: ResolvedService = {
    namespace: stored.namespace,
    name: stored.name,
    hosts: [`${stored.name}.${stored.namespace}`, ...(spec.hosts ?? [])],
    serviceAccount: spec.serviceAccount ?? stored.name,
    ports,
  };
  if (spec.dependencies) {
    const deps = spec.dependencies.map((d) => ({
      namespace: d.namespace ?? stored.namespace,
      name: d.name,
    }));
    service.dependencies = sorted(
      new Map(deps.map((d) => [nsName(d), d])).values(),
      chain(
        by((d) => d.namespace),
        by((d) => d.name),
      ),
    );
  }
  if (spec.external) service.external = spec.external;
  if (draft.externalCARef) service.externalCARef = draft.externalCARef;
  return service;
}

export function resolvePolicy(objects: readonly ValidatedObject[]): ResolvedPolicy {
  const index = indexObjects(objects);
  const grants = grantChecker(index.grants);
  const { services: serviceDrafts, workloadConditions } = resolveServices(index, grants);
  const gatewayDrafts = resolveGateways(index, grants);
  const routeDrafts = resolveRoutes(index, grants, gatewayDrafts, serviceDrafts);

  const tables: NamedTable[] = [];
  const attachedRoutes = new Map<string, number>();
  const gateways = [...gatewayDrafts.values()].map((g) =>
    assembleGateway(g, routeDrafts, tables, attachedRoutes),
  );
  const attachments = indexServicePortAttachments(routeDrafts);
  const services = [...serviceDrafts.values()].map((s) => assembleService(s, attachments, tables));
  const shadows = findShadowedMatches(tables);

  const traffic = resolveTrafficPolicies(index);
  const receivers = resolveReceiverPolicies(index);

  return {
    mesh: { present: index.mesh !== undefined, spec: index.mesh?.spec ?? meshSpec.parse({}) },
    services,
    gateways,
    secrets: [...index.secrets.values()].map((s) => ({
      namespace: s.namespace,
      name: s.name,
      type: s.spec.type,
    })),
    routes: routeDrafts.map((r) => r.route),
    trafficPolicies: traffic.attached,
    authorizationPolicies: receivers.authorization,
    rateLimitPolicies: receivers.rateLimits,
    authenticationPolicies: receivers.authentication,
    statuses: resolveStatuses({
      index,
      services: serviceDrafts,
      workloadConditions,
      gateways: gatewayDrafts,
      attachedRoutes,
      routes: routeDrafts,
      shadows,
      policies: [...traffic.outcomes, ...receivers.outcomes],
    }),
  };
}
