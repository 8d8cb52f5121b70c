// Splits the stored objects by kind into sorted lists and maps. Everything later
// reads this index, never the input array, so input order cannot leak through.
import {
  DEFAULT_NAMESPACE,
  type CrosswayObject,
  type KindName,
  type SpecOf,
  type ValidatedObject,
} from '@crossway/model';
import { compareStrings } from './compare';
import { idKey, nsName } from './ids';

/** Identity and metadata of a stored object: namespace always set ("" for Mesh). */
export interface StoredMeta<K extends KindName = KindName> {
  kind: K;
  namespace: string;
  name: string;
  generation?: number;
  creationTimestamp?: string;
}

/** One stored object, flattened. */
export interface Stored<K extends KindName> extends StoredMeta<K> {
  spec: SpecOf<K>;
}

export type RouteKind = 'HTTPRoute' | 'GRPCRoute' | 'TCPRoute' | 'TLSRoute';
export type StoredRoute =
  Stored<'HTTPRoute'> | Stored<'GRPCRoute'> | Stored<'TCPRoute'> | Stored<'TLSRoute'>;

export interface ObjectIndex {
  mesh: Stored<'Mesh'> | undefined;
  services: Map<string, Stored<'Service'>>;
  workloads: Stored<'Workload'>[];
  gateways: Map<string, Stored<'Gateway'>>;
  secrets: Map<string, Stored<'Secret'>>;
  grants: Stored<'ReferenceGrant'>[];
  routes: StoredRoute[];
  trafficPolicies: Stored<'TrafficPolicy'>[];
  authorizationPolicies: Stored<'AuthorizationPolicy'>[];
  rateLimitPolicies: Stored<'RateLimitPolicy'>[];
  authenticationPolicies: Stored<'AuthenticationPolicy'>[];
}

function store<K extends KindName>(object: CrosswayObject<K, SpecOf<K>>): Stored<K> {
  const { metadata } = object;
  const stored: Stored<K> = {
    kind: object.kind,
    namespace: object.kind === 'Mesh' ? '' : (metadata.namespace ?? DEFAULT_NAMESPACE),
    name: metadata.name,
    spec: object.spec,
  };
  if (metadata.generation !== undefined) stored.generation = metadata.generation;
  if (metadata.creationTimestamp !== undefined)
    stored.creationTimestamp = metadata.creationTimestamp;
  return stored;
}

function keyOf(object: ValidatedObject): string {
  const namespace = object.kind === 'Mesh' ? undefined : object.metadata.namespace;
  return idKey({ kind: object.kind, namespace: namespace ?? '', name: object.metadata.name });
}

/** Sorted by kind/namespace/name; of two objects with one identity the one with the smaller JSON text is kept. */
function canonical(objects: readonly ValidatedObject[]): ValidatedObject[] {
  const keyed = objects.map((object) => ({ key: keyOf(object), object }));
  keyed.sort(
    (a, b) =>
      compareStrings(a.key, b.key) ||
      compareStrings(JSON.stringify(a.object), JSON.stringify(b.object)),
  );
  return keyed.filter((k, i) => i === 0 || keyed[i - 1]?.key !== k.key).map((k) => k.object);
}

export function indexObjects(objects: readonly ValidatedObject[]): ObjectIndex {
  const index: ObjectIndex = {
    mesh: undefined,
    services: new Map(),
    workloads: [],
    gateways: new Map(),
    secrets: new Map(),
    grants: [],
    routes: [],
    trafficPolicies: [],
    authorizationPolicies: [],
    rateLimitPolicies: [],
    authenticationPolicies: [],
  };
  for (const object of canonical(objects)) {
    switch (object.kind) {
      case 'Mesh':
        index.mesh = store(object);
        break;
      case 'Service': {
        const s = store(object);
        index.services.set(nsName(s), s);
        break;
      }
      case 'Workload':
        index.workloads.push(store(object));
        break;
      case 'Gateway': {
        const g = store(object);
        index.gateways.set(nsName(g), g);
        break;
      }
      case 'Secret': {
        const s = store(object);
        index.secrets.set(nsName(s), s);
        break;
      }
      case 'ReferenceGrant':
        index.grants.push(store(object));
        break;
      case 'HTTPRoute':
        index.routes.push(store(object));
        break;
      case 'GRPCRoute':
        index.routes.push(store(object));
        break;
      case 'TCPRoute':
        index.routes.push(store(object));
        break;
      case 'TLSRoute':
        index.routes.push(store(object));
        break;
      case 'TrafficPolicy':
        index.trafficPolicies.push(store(object));
        break;
      case 'AuthorizationPolicy':
        index.authorizationPolicies.push(store(object));
        break;
      case 'RateLimitPolicy':
        index.rateLimitPolicies.push(store(object));
        break;
      case 'AuthenticationPolicy':
        index.authenticationPolicies.push(store(object));
        break;
    }
  }
  return index;
}
