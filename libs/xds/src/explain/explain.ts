// POST /api/v1/explain's entry point: an edge request (`gateway`) or a mesh
// caller's request (`source`).
import type { ResolvedPolicy } from '@crossway/policy';
import { explainMeshRequest } from './explain-mesh';
import { explainEdgeRequest } from './explain-request';
import type { ExplainOutcome, ExplainRequest } from './explain-types';

export function explainRequest(resolved: ResolvedPolicy, request: ExplainRequest): ExplainOutcome {
  return 'gateway' in request
    ? explainEdgeRequest(resolved, request)
    : explainMeshRequest(resolved, request);
}
