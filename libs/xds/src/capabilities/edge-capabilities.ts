// What an edge Envoy can enforce. Envoy implements every model feature; the
// table exists so that every role answers the same questions. Crossway's own
// translation gaps for the edge are listed in libs/xds/README.md.
import { SUPPORTED, uniformTable, type CapabilityTable } from './capability-types';

export const EDGE_CAPABILITIES: CapabilityTable = uniformTable(SUPPORTED('Envoy'), {
  'Mesh.mtls': SUPPORTED(
    'clusters to mesh Services originate mTLS with the Gateway identity (SDS crossway-identity, crossway-roots) unless DISABLED; TLS passthrough clusters carry the client TLS as is',
  ),
});
