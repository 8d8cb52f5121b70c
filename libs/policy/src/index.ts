// @crossway/policy: resolves references, route precedence, policy attachment and
// the status of every object from the stored model. Pure: no I/O, no clock, no
// randomness, no reliance on input order.
export { resolvePolicy } from './resolve-policy';
export { withServiceEndpoints } from './patch-endpoints';
export type * from './resolved-types';
export type * from './routes/route-types';
export type * from './attachment/attachment-types';
export { TRAFFIC_POLICY_LEVELS } from './attachment/attachment-types';
export type { NamespacedName, ObjectId } from './common/ids';
export type { ListenerProtocol, ListenerTls } from './core/resolve-gateways';
export { CONDITION_TYPES, REASONS, type ConditionType, type Reason } from './common/conditions';
export {
  effectiveTrafficPolicy,
  type EffectiveTrafficPolicy,
  type FieldSource,
  type TrafficContext,
} from './attachment/effective-traffic-policy';
export {
  authenticationFor,
  authorizationFor,
  rateLimitsFor,
  type AuthorizationEntry,
  type AuthorizationRule,
  type AuthorizationSet,
} from './authorization/authorization-for';
export {
  evaluateAuthorization,
  patternMatches,
  type AuthorizationRequest,
  type AuthorizationVerdict,
  type SourceIdentity,
} from './authorization/evaluate-authorization';
export { ipInBlock } from './authorization/ip-blocks';
export { reachableServices } from './scoping/reachable-services';
export { serviceIndex } from './scoping/service-index';
export {
  compareHostnameSpecificity,
  hostnameCovers,
  hostnameMatches,
  intersectHostnames,
} from './routes/hostnames';
export { normalizePathPrefix, pathPrefixMatches } from './routes/path-match';
export { entryCovers } from './routes/resolve-shadowing';
