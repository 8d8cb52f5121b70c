// What proxyless gRPC (grpc-js-xds 1.14.1 clients and xDS-enabled servers) can
// enforce, checked against its resource validators (xds-resource-type/*), its
// resolver and its HTTP filter registry. Every feature has an entry.
import { SUPPORTED, type CapabilityTable } from './capability-types';

export const PROXYLESS_CAPABILITIES: CapabilityTable = {
  'HTTPRoute.matches.path.Exact': SUPPORTED('route match path'),
  'HTTPRoute.matches.path.PathPrefix': SUPPORTED(
    'prefix "/" as prefix; longer prefixes as an anchored safe_regex (gRPC NACKs path_separated_prefix)',
  ),
  'HTTPRoute.matches.path.RegularExpression': SUPPORTED('safe_regex (full match, RE2)'),
  'HTTPRoute.matches.headers': SUPPORTED('header string_match exact or safe_regex'),
  'HTTPRoute.matches.queryParams': {
    support: 'ignored',
    note: 'gRPC requests have no query string and gRPC ignores query_parameters: the match is left out with its route',
  },
  'HTTPRoute.matches.method': {
    support: 'ignored',
    note: 'every gRPC call is a POST: a POST match is dropped, any other method leaves the route out',
  },
  'GRPCRoute.matches.method': SUPPORTED('service and method as the :path'),
  'route.filters.RequestHeaderModifier': {
    support: 'ignored',
    note: 'gRPC ignores request_headers_to_add/remove',
  },
  'route.filters.ResponseHeaderModifier': {
    support: 'ignored',
    note: 'gRPC ignores response_headers_to_add/remove',
  },
  'route.filters.RequestRedirect': {
    support: 'rejected',
    note: 'gRPC NACKs a redirect action; the rule is sent as a route to the never-defined cluster crossway|invalid-backend, so matching calls fail UNAVAILABLE instead of falling through',
  },
  'route.filters.URLRewrite': {
    support: 'ignored',
    note: 'gRPC ignores prefix_rewrite, regex_rewrite and host rewrites',
  },
  'route.filters.RequestMirror': {
    support: 'ignored',
    note: 'gRPC ignores request_mirror_policies',
  },
  'route.filters.CORS': { support: 'ignored', note: 'gRPC has no CORS filter' },
  'route.backendRefs.weight': SUPPORTED('weighted_clusters'),
  'route.timeouts.request': SUPPORTED(
    'max_stream_duration.max_stream_duration and grpc_timeout_header_max',
  ),
  'route.timeouts.backendRequest': {
    support: 'ignored',
    note: 'gRPC ignores per_try_timeout',
  },
  'route.retry.attempts': SUPPORTED('num_retries (gRPC NACKs 0: attempts 0 sends no retry_policy)'),
  'route.retry.perTryTimeout': { support: 'ignored', note: 'gRPC ignores per_try_timeout' },
  'route.retry.backoff': SUPPORTED('retry_back_off'),
  'route.retry.statusCodes': {
    support: 'ignored',
    note: 'gRPC retries on gRPC status codes only',
  },
  'route.retry.on.http': {
    support: 'ignored',
    note: 'gRPC retry_on takes cancelled, deadline-exceeded, internal, resource-exhausted, unavailable only',
  },
  'route.retry.on.grpc': SUPPORTED('retry_on'),
  TCPRoute: { support: 'ignored', note: 'gRPC speaks HTTP/2 only' },
  TLSRoute: { support: 'ignored', note: 'gRPC speaks HTTP/2 only' },
  'TrafficPolicy.timeouts.request': SUPPORTED('max_stream_duration'),
  'TrafficPolicy.timeouts.backendRequest': {
    support: 'ignored',
    note: 'gRPC ignores per_try_timeout',
  },
  'TrafficPolicy.timeouts.connect': {
    support: 'ignored',
    note: 'gRPC ignores the cluster connect_timeout',
  },
  'TrafficPolicy.timeouts.idle': { support: 'ignored', note: 'gRPC ignores idle timeouts' },
  'TrafficPolicy.retries': SUPPORTED('as route retry (gRPC codes only)'),
  'TrafficPolicy.connectionLimits.maxRequests': SUPPORTED('circuit_breakers max_requests'),
  'TrafficPolicy.connectionLimits.maxConnections': {
    support: 'ignored',
    note: 'gRPC reads max_requests only',
  },
  'TrafficPolicy.connectionLimits.maxPendingRequests': {
    support: 'ignored',
    note: 'gRPC reads max_requests only',
  },
  'TrafficPolicy.connectionLimits.maxRetries': {
    support: 'ignored',
    note: 'gRPC reads max_requests only',
  },
  'TrafficPolicy.connectionLimits.maxRequestsPerConnection': {
    support: 'ignored',
    note: 'gRPC reads max_requests only',
  },
  'TrafficPolicy.outlierDetection': SUPPORTED(
    'interval, base_ejection_time, max_ejection_percent (gRPC ejects by success rate)',
  ),
  'TrafficPolicy.outlierDetection.consecutiveErrors': {
    support: 'ignored',
    note: 'gRPC ignores consecutive_5xx and consecutive_gateway_failure; it ejects by success rate',
  },
  'TrafficPolicy.loadBalancer.RoundRobin': SUPPORTED('ROUND_ROBIN'),
  'TrafficPolicy.loadBalancer.LeastRequest': {
    support: 'rejected',
    note: 'grpc-js-xds 1.14.1 NACKs lb_policy LEAST_REQUEST: ROUND_ROBIN is sent instead',
  },
  'TrafficPolicy.loadBalancer.RingHash': SUPPORTED('RING_HASH'),
  'TrafficPolicy.loadBalancer.Random': {
    support: 'rejected',
    note: 'grpc-js-xds 1.14.1 NACKs lb_policy RANDOM: ROUND_ROBIN is sent instead',
  },
  'TrafficPolicy.loadBalancer.hashOn.header': SUPPORTED('route hash_policy header'),
  'TrafficPolicy.loadBalancer.hashOn.cookie': {
    support: 'ignored',
    note: 'gRPC hashes on headers (and its channel id) only: RING_HASH without this key picks by a random hash',
  },
  'TrafficPolicy.loadBalancer.hashOn.sourceIP': {
    support: 'ignored',
    note: 'gRPC hashes on headers (and its channel id) only: RING_HASH without this key picks by a random hash',
  },
  'TrafficPolicy.localityFailover': {
    support: 'ignored',
    note: 'gRPC ignores locality priorities beyond EDS priorities',
  },
  'TrafficPolicy.healthChecks': {
    support: 'ignored',
    note: 'gRPC does no active health checks',
  },
  'TrafficPolicy.faultInjection': SUPPORTED(
    'client fault filter with per-route HTTPFault (delay, abort by HTTP or gRPC status); servers cannot',
  ),
  AuthorizationPolicy: SUPPORTED(
    'RBAC HTTP filter on xDS-enabled servers (needs GRPC_XDS_EXPERIMENTAL_RBAC=true, else the server NACKs and does not serve)',
  ),
  AuthenticationPolicy: {
    support: 'rejected',
    note: 'gRPC servers NACK jwt_authn: it is left out, and calls on paths that need a token are denied by RBAC (never fail open)',
  },
  RateLimitPolicy: {
    support: 'rejected',
    note: 'gRPC servers NACK local_ratelimit: it is left out',
  },
  'Mesh.mtls': SUPPORTED(
    'certificate provider instances crossway-identity and crossway-roots; PERMISSIVE acts as STRICT with providers, DISABLED without',
  ),
};
