// The topology graph, built from plain object lists (no rendering here, so it is
// unit-testable): Gateways -> routes -> Services -> Workloads, the mesh calls between
// Services (GAMMA routes and declared dependencies), and the policies attached to each
// node. References to objects that do not exist become "missing" nodes so broken
// links are visible instead of silently dropped.
import type { ApiObject } from '@crossway/client';
// Specs arrive as `unknown` from the API; object-status reads them without trusting shapes.
import { acceptance, record as rec, records as list, str, type Rec } from '../../object-status';
import { meshScopeOf, POLICY_KINDS, ROUTE_KINDS, targetRefOf } from '../../policy-targets';

export type Column = 'gateway' | 'route' | 'service' | 'workload';
export const COLUMNS: readonly Column[] = ['gateway', 'route', 'service', 'workload'];

export { POLICY_KINDS, ROUTE_KINDS };

/** Accepted from status conditions; "unknown" when the control plane wrote none. */
export type NodeStatus = 'Accepted' | 'Not accepted' | 'unknown';

export interface ObjectRef {
  kind: string;
  namespace: string;
  name: string;
}

export interface PolicyChip extends ObjectRef {
  /** What part of the node the policy targets: a listener, port or rule name. */
  sectionName?: string;
}

export interface TopoNode extends ObjectRef {
  id: string;
  column: Column;
  status: NodeStatus;
  /** Why not accepted (the failing condition's message). */
  statusMessage?: string;
  /** Referenced but not in the store. */
  missing: boolean;
  /** A one-line summary: listeners, hostnames, ports, address. */
  summary?: string;
  policies: PolicyChip[];
}

export type EdgeType = 'parent' | 'backend' | 'instance';

export interface TopoEdge {
  from: string;
  to: string;
  type: EdgeType;
  /** Shown next to the link: a listener, a port. */
  label?: string;
}

export interface MeshCall {
  caller: string;
  callee: string;
  /** The GAMMA route that routes the caller's requests, or a declared dependency. */
  via: ObjectRef | 'dependency';
}

/** A policy whose target is the Mesh, mesh-wide or for one namespace. */
export interface WidePolicy extends ObjectRef {
  scope: 'mesh-wide' | 'namespace';
}

export interface Topology {
  nodes: TopoNode[];
  edges: TopoEdge[];
  meshCalls: MeshCall[];
  widePolicies: WidePolicy[];
  /** Policies whose target is not in the store. */
  danglingPolicies: (PolicyChip & { target: string })[];
  namespaces: string[];
}

export interface TopologyInput {
  gateways: ApiObject[];
  routes: ApiObject[];
  services: ApiObject[];
  workloads: ApiObject[];
  policies: ApiObject[];
}

export function nodeId(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

function statusOf(object: ApiObject): { status: NodeStatus; message?: string } {
  const { accepted, message } = acceptance(object);
  if (accepted === undefined) return { status: 'unknown' };
  if (accepted) return { status: 'Accepted' };
  return { status: 'Not accepted', ...(message ? { message } : {}) };
}

function summaryOf(column: Column, spec: Rec): string | undefined {
  switch (column) {
    case 'gateway':
      return list(spec['listeners'])
        .map((l) => `${str(l['name']) ?? '?'} ${str(l['protocol']) ?? ''}:${String(l['port'])}`)
        .join(', ');
    case 'route': {
      const hosts = (Array.isArray(spec['hostnames']) ? spec['hostnames'] : []).map(String);
      return hosts.length > 0 ? hosts.join(', ') : undefined;
    }
    case 'service': {
      if (spec['external'] !== undefined) return 'external';
      const ports = list(spec['ports']).map((p) =>
        `${str(p['name']) ?? ''} ${String(p['port'])}`.trim(),
      );
      return ports.length > 0 ? ports.join(', ') : undefined;
    }
    case 'workload':
      return str(spec['address']);
  }
}

const COLUMN_OF_KIND: Record<string, Column> = {
  Gateway: 'gateway',
  HTTPRoute: 'route',
  GRPCRoute: 'route',
  TCPRoute: 'route',
  TLSRoute: 'route',
  Service: 'service',
  Workload: 'workload',
};

export function buildTopology(input: TopologyInput): Topology {
  const nodes = new Map<string, TopoNode>();
  const edges: TopoEdge[] = [];
  const edgeByKey = new Map<string, TopoEdge>();
  const meshCalls: MeshCall[] = [];
  const callKeys = new Set<string>();

  const addObject = (object: ApiObject) => {
    const column = COLUMN_OF_KIND[object.kind];
    if (!column) return;
    const namespace = object.metadata.namespace ?? '';
    const id = nodeId(object.kind, namespace, object.metadata.name);
    const { status, message } = statusOf(object);
    const summary = summaryOf(column, rec(object.spec));
    nodes.set(id, {
      id,
      column,
      kind: object.kind,
      namespace,
      name: object.metadata.name,
      status,
      ...(message ? { statusMessage: message } : {}),
      ...(summary ? { summary } : {}),
      missing: false,
      policies: [],
    });
  };
  for (const group of [input.gateways, input.routes, input.services, input.workloads])
    group.forEach(addObject);

  /** The node of a reference, a "missing" node when nothing in the store has that name. */
  const ensure = (kind: string, namespace: string, name: string): string => {
    const id = nodeId(kind, namespace, name);
    if (!nodes.has(id))
      nodes.set(id, {
        id,
        column: COLUMN_OF_KIND[kind] ?? 'service',
        kind,
        namespace,
        name,
        status: 'unknown',
        missing: true,
        policies: [],
      });
    return id;
  };
  const link = (from: string, to: string, type: EdgeType, label?: string) => {
    // One link per pair; a route on two listeners of one Gateway reads "http, https".
    const key = `${from}>${to}>${type}`;
    const existing = edgeByKey.get(key);
    if (existing) {
      if (label && existing.label !== label)
        existing.label = existing.label ? `${existing.label}, ${label}` : label;
      return;
    }
    const edge: TopoEdge = { from, to, type, ...(label ? { label } : {}) };
    edgeByKey.set(key, edge);
    edges.push(edge);
  };
  const call = (caller: string, callee: string, via: MeshCall['via']) => {
    const key = `${caller}>${callee}>${via === 'dependency' ? via : nodeId(via.kind, via.namespace, via.name)}`;
    if (callKeys.has(key)) return;
    callKeys.add(key);
    meshCalls.push({ caller, callee, via });
  };

  for (const route of input.routes) {
    const namespace = route.metadata.namespace ?? '';
    const routeId = nodeId(route.kind, namespace, route.metadata.name);
    const spec = rec(route.spec);
    const backends = new Map<string, string | undefined>();
    for (const rule of list(spec['rules']))
      for (const backend of list(rule['backendRefs'])) {
        const name = str(backend['name']);
        if (!name) continue;
        const id = ensure('Service', str(backend['namespace']) ?? namespace, name);
        const port = backend['port'];
        backends.set(id, port === undefined ? undefined : String(port));
      }
    const serviceParents: string[] = [];
    for (const parent of list(spec['parentRefs'])) {
      const name = str(parent['name']);
      if (!name) continue;
      const kind = str(parent['kind']) ?? 'Gateway';
      const parentNs = str(parent['namespace']) ?? namespace;
      const section =
        str(parent['sectionName']) ?? (parent['port'] === undefined ? '' : String(parent['port']));
      const parentId = ensure(kind === 'Service' ? 'Service' : 'Gateway', parentNs, name);
      link(parentId, routeId, 'parent', section);
      if (kind === 'Service') serviceParents.push(parentId);
    }
    for (const [backendId, port] of backends) link(routeId, backendId, 'backend', port);
    // GAMMA: callers of the parent Service are routed by this route to its backends.
    const via = { kind: route.kind, namespace, name: route.metadata.name };
    for (const parentId of serviceParents)
      for (const backendId of backends.keys()) call(parentId, backendId, via);
  }

  for (const workload of input.workloads) {
    const namespace = workload.metadata.namespace ?? '';
    const service = str(rec(workload.spec)['service']);
    if (!service) continue;
    const serviceId = ensure('Service', namespace, service);
    link(serviceId, nodeId('Workload', namespace, workload.metadata.name), 'instance');
  }

  for (const service of input.services) {
    const namespace = service.metadata.namespace ?? '';
    const callerId = nodeId('Service', namespace, service.metadata.name);
    for (const dependency of list(rec(service.spec)['dependencies'])) {
      const name = str(dependency['name']);
      if (!name) continue;
      call(
        callerId,
        ensure('Service', str(dependency['namespace']) ?? namespace, name),
        'dependency',
      );
    }
  }

  const widePolicies: WidePolicy[] = [];
  const danglingPolicies: Topology['danglingPolicies'] = [];
  for (const policy of input.policies) {
    const namespace = policy.metadata.namespace ?? '';
    const { kind, name, sectionName } = targetRefOf(policy);
    if (!kind || !name) continue;
    const ref = { kind: policy.kind, namespace, name: policy.metadata.name };
    const scope = meshScopeOf(policy);
    if (scope) {
      widePolicies.push({ ...ref, scope });
      continue;
    }
    const chip: PolicyChip = { ...ref, ...(sectionName ? { sectionName } : {}) };
    // targetRef is same-namespace only (libs/model references.ts).
    const node = nodes.get(nodeId(kind, namespace, name));
    if (node && !node.missing) node.policies.push(chip);
    else danglingPolicies.push({ ...chip, target: `${kind} ${namespace}/${name}` });
  }

  const order = (a: TopoNode, b: TopoNode) =>
    COLUMNS.indexOf(a.column) - COLUMNS.indexOf(b.column) ||
    a.namespace.localeCompare(b.namespace) ||
    a.name.localeCompare(b.name) ||
    a.kind.localeCompare(b.kind);
  const sorted = [...nodes.values()].sort(order);
  const namespaces = [...new Set(sorted.map((n) => n.namespace).filter(Boolean))].sort();
  return { nodes: sorted, edges, meshCalls, widePolicies, danglingPolicies, namespaces };
}

/**
 * The part of the topology in `namespace`: its nodes plus the nodes one link away,
 * so a route in "shop" still shows the Gateway in "edge" it attaches to.
 */
export function filterTopology(topology: Topology, namespace: string | undefined): Topology {
  if (!namespace) return topology;
  const keep = new Set(topology.nodes.filter((n) => n.namespace === namespace).map((n) => n.id));
  const inside = new Set(keep);
  for (const edge of topology.edges) {
    if (inside.has(edge.from)) keep.add(edge.to);
    if (inside.has(edge.to)) keep.add(edge.from);
  }
  const touches = (id: string) => inside.has(id);
  return {
    ...topology,
    nodes: topology.nodes.filter((n) => keep.has(n.id)),
    edges: topology.edges.filter((e) => keep.has(e.from) && keep.has(e.to)),
    meshCalls: topology.meshCalls.filter((c) => touches(c.caller) || touches(c.callee)),
    widePolicies: topology.widePolicies.filter(
      (p) => p.scope === 'mesh-wide' || p.namespace === namespace,
    ),
    danglingPolicies: topology.danglingPolicies.filter((p) => p.namespace === namespace),
  };
}

/** At most `max` nodes (in column order) and the edges between them. */
export function capTopology(
  topology: Topology,
  max: number,
): { topology: Topology; hidden: number } {
  if (topology.nodes.length <= max) return { topology, hidden: 0 };
  const nodes = topology.nodes.slice(0, max);
  const ids = new Set(nodes.map((n) => n.id));
  return {
    topology: {
      ...topology,
      nodes,
      edges: topology.edges.filter((e) => ids.has(e.from) && ids.has(e.to)),
    },
    hidden: topology.nodes.length - max,
  };
}

/**
 * Everything on a path through `id`: what leads to it (following links backwards)
 * and what it leads to (forwards), not its siblings.
 */
export function connectedPath(edges: readonly TopoEdge[], id: string): Set<string> {
  const forward = new Map<string, string[]>();
  const backward = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, value: string) => {
    const values = map.get(key);
    if (values) values.push(value);
    else map.set(key, [value]);
  };
  for (const e of edges) {
    add(forward, e.from, e.to);
    add(backward, e.to, e.from);
  }
  const seen = new Set<string>([id]);
  for (const next of [forward, backward]) {
    const queue = [id];
    const visited = new Set<string>([id]);
    for (let current = queue.pop(); current !== undefined; current = queue.pop()) {
      for (const n of next.get(current) ?? []) {
        if (visited.has(n)) continue;
        visited.add(n);
        seen.add(n);
        queue.push(n);
      }
    }
  }
  return seen;
}
