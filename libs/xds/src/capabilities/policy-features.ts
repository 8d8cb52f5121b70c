// The capability-table features a TrafficPolicy uses (the fields it wins at its
// target), each with its field path.
import type { TrafficPolicyFields } from '@crossway/policy';
import { retryFeatures, type FeatureUse } from './route-features';

export function trafficPolicyFeatures(fields: TrafficPolicyFields): FeatureUse[] {
  const uses: FeatureUse[] = [];
  const { timeouts, connectionLimits, outlierDetection, loadBalancer } = fields;
  if (timeouts) {
    for (const key of ['request', 'backendRequest', 'connect', 'idle'] as const)
      if (timeouts[key] !== undefined)
        uses.push({ feature: `TrafficPolicy.timeouts.${key}`, path: `spec.timeouts.${key}` });
  }
  uses.push(...retryFeatures(fields.retries, 'spec.retries', 'TrafficPolicy'));
  if (connectionLimits) {
    for (const key of [
      'maxRequests',
      'maxConnections',
      'maxPendingRequests',
      'maxRetries',
      'maxRequestsPerConnection',
    ] as const)
      if (connectionLimits[key] !== undefined)
        uses.push({
          feature: `TrafficPolicy.connectionLimits.${key}`,
          path: `spec.connectionLimits.${key}`,
        });
  }
  if (outlierDetection) {
    uses.push({ feature: 'TrafficPolicy.outlierDetection', path: 'spec.outlierDetection' });
    uses.push({
      feature: 'TrafficPolicy.outlierDetection.consecutiveErrors',
      path: 'spec.outlierDetection.consecutive5xxErrors',
    });
  }
  if (loadBalancer) {
    uses.push({
      feature: `TrafficPolicy.loadBalancer.${loadBalancer.type}`,
      path: 'spec.loadBalancer.type',
    });
    const hashOn = loadBalancer.hashOn;
    if (hashOn?.header !== undefined)
      uses.push({
        feature: 'TrafficPolicy.loadBalancer.hashOn.header',
        path: 'spec.loadBalancer.hashOn.header',
      });
    if (hashOn?.cookie !== undefined)
      uses.push({
        feature: 'TrafficPolicy.loadBalancer.hashOn.cookie',
        path: 'spec.loadBalancer.hashOn.cookie',
      });
    if (hashOn?.sourceIP !== undefined)
      uses.push({
        feature: 'TrafficPolicy.loadBalancer.hashOn.sourceIP',
        path: 'spec.loadBalancer.hashOn.sourceIP',
      });
  }
  if (fields.localityFailover)
    uses.push({ feature: 'TrafficPolicy.localityFailover', path: 'spec.localityFailover' });
  if (fields.healthChecks)
    uses.push({ feature: 'TrafficPolicy.healthChecks', path: 'spec.healthChecks' });
  if (fields.faultInjection)
    uses.push({ feature: 'TrafficPolicy.faultInjection', path: 'spec.faultInjection' });
  return uses;
}
