// What a sidecar Envoy can enforce: the whole model (Envoy implements every
// feature), outbound for routes and TrafficPolicies, inbound for authorization,
// authentication and rate limits.
import { SUPPORTED, uniformTable, type CapabilityTable } from './capability-types';

export const SIDECAR_CAPABILITIES: CapabilityTable = uniformTable(SUPPORTED('Envoy'));
