// The TrafficPolicy in force for one request path: a route rule, the backend
// Service port it sends to, and (at the edge) the Gateway listener it came in on.
// Each top-level field comes from the most specific level that sets it:
// rule inline > route rule > route > Service port > Service > listener > Gateway
// > Mesh policy of a namespace > mesh-wide Mesh policy.
import { TRAFFIC_POLICY_FIELDS } from '@crossway/model';
import type { ResolvedPolicy } from '../resolved-types';
import type {
  AttachedTrafficPolicy,
  TrafficPolicyField,
  TrafficPolicyFields,
  TrafficPolicyLevel,
} from './attachment-types';

/** Input: optional fields also accept undefined, so parsed requests pass straight in. */
export interface TrafficContext {
  route?:
    | {
        kind: 'HTTPRoute' | 'GRPCRoute';
        namespace: string;
        name: string;
        rule?: number | undefined;
      }
    | undefined;
  /** The backend Service and port number the request is sent to. */
  backend?: { namespace: string; name: string; port?: number | undefined } | undefined;
  /** Edge only: the Gateway and the listener the request came in on. */
  listener?: { namespace: string; name: string; sectionName?: string | undefined } | undefined;
}

export interface FieldSource {
  level: TrafficPolicyLevel;
  kind: string;
  namespace: string;
  name: string;
  sectionName?: string;
  /** Level Rule: the index of the rule whose own field applies. */
  rule?: number;
}

export interface EffectiveTrafficPolicy {
  /** Each field's winning value. */
  fields: TrafficPolicyFields;
  /** Where each field in `fields` came from. */
  sources: Partial<Record<TrafficPolicyField, FieldSource>>;
}

/** The namespace a namespace-scoped Mesh policy must live in to apply: the backend's, else the route's, else the Gateway's. */
export function contextNamespace(context: TrafficContext): string | undefined {
  return context.backend?.namespace ?? context.route?.namespace ?? context.listener?.namespace;
}

function applies(
  policy: AttachedTrafficPolicy,
  context: TrafficContext,
  ruleName: string | undefined,
  portName: string | undefined,
): boolean {
  const t = policy.target;
  if (t.kind === 'Mesh')
    return t.namespace === undefined || t.namespace === contextNamespace(context);
  const sameObject = (o: { namespace: string; name: string } | undefined) =>
    o !== undefined && o.namespace === t.namespace && o.name === t.name;
  switch (t.kind) {
    case 'HTTPRoute':
    case 'GRPCRoute':
      return (
        sameObject(context.route) &&
        context.route?.kind === t.kind &&
        (t.sectionName === undefined || t.sectionName === ruleName)
      );
    case 'Service':
      return (
        sameObject(context.backend) && (t.sectionName === undefined || t.sectionName === portName)
      );
    case 'Gateway':
      return (
        sameObject(context.listener) &&
        (t.sectionName === undefined || t.sectionName === context.listener?.sectionName)
      );
  }
}

function sourceOf(policy: AttachedTrafficPolicy): FieldSource {
  const source: FieldSource = {
    level: policy.level,
    kind: policy.policy.kind,
    namespace: policy.policy.namespace,
    name: policy.policy.name,
  };
  if (policy.target.kind !== 'Mesh' && policy.target.sectionName !== undefined)
    source.sectionName = policy.target.sectionName;
  return source;
}

interface Layer {
  fields: TrafficPolicyFields;
  source: FieldSource;
}

interface Lookup {
  routes: Map<string, ResolvedPolicy['routes'][number]>;
  portNames: Map<string, string>;
}

const lookups = new WeakMap<ResolvedPolicy, Lookup>();

/** Routes and Service port names by key, built once per resolved policy (callers ask per route). */
function lookupOf(resolved: ResolvedPolicy): Lookup {
  let lookup = lookups.get(resolved);
  if (!lookup) {
    lookup = {
      routes: new Map(resolved.routes.map((r) => [`${r.kind}/${r.namespace}/${r.name}`, r])),
      portNames: new Map(
        resolved.services.flatMap((s) =>
          s.ports.map((p) => [`${s.namespace}/${s.name}/${p.port}`, p.name] as const),
        ),
      ),
    };
    lookups.set(resolved, lookup);
  }
  return lookup;
}

export function effectiveTrafficPolicy(
  resolved: ResolvedPolicy,
  context: TrafficContext,
): EffectiveTrafficPolicy {
  const { route, backend } = context;
  const layers: Layer[] = []; // most specific first
  const lookup = lookupOf(resolved);
  const resolvedRoute = route
    ? lookup.routes.get(`${route.kind}/${route.namespace}/${route.name}`)
    : undefined;
  const rule = route?.rule === undefined ? undefined : resolvedRoute?.rules[route.rule];
  if (route && rule) {
    const inline: TrafficPolicyFields = {};
    if (rule.timeouts !== undefined) inline.timeouts = rule.timeouts;
    if (rule.retry !== undefined) inline.retries = rule.retry;
    layers.push({
      fields: inline,
      source: {
        level: 'Rule',
        kind: route.kind,
        namespace: route.namespace,
        name: route.name,
        rule: rule.index,
      },
    });
  }
  const portName = backend
    ? lookup.portNames.get(`${backend.namespace}/${backend.name}/${backend.port}`)
    : undefined;
  // Attached policies are sorted most specific level first, then by target, oldest first;
  // at one target each field has a single winner, so layers of one level never disagree.
  for (const policy of resolved.trafficPolicies)
    if (applies(policy, context, rule?.name, portName))
      layers.push({ fields: policy.fields, source: sourceOf(policy) });

  const result: EffectiveTrafficPolicy = { fields: {}, sources: {} };
  for (const layer of [...layers].reverse()) {
    // A later (more specific) layer replaces whole top-level fields.
    result.fields = { ...result.fields, ...layer.fields };
    for (const key of Object.keys(layer.fields)) {
      const field = TRAFFIC_POLICY_FIELDS.find((f) => f === key);
      if (field !== undefined) result.sources[field] = layer.source;
    }
  }
  return result;
}
