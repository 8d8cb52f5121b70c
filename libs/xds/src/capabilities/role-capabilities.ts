// The capability table of each data-plane role, by role.
import type { DataPlaneRole } from '../ir/common-ir';
import type { CapabilityTable } from './capability-types';
import { EDGE_CAPABILITIES } from './edge-capabilities';
import { PROXYLESS_CAPABILITIES } from './proxyless-capabilities';
import { SIDECAR_CAPABILITIES } from './sidecar-capabilities';

export const ROLE_CAPABILITIES: Record<DataPlaneRole, CapabilityTable> = {
  edge: EDGE_CAPABILITIES,
  sidecar: SIDECAR_CAPABILITIES,
  proxyless: PROXYLESS_CAPABILITIES,
};
