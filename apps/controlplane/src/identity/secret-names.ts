// The SDS names of the mesh identity (contract "Data-plane handshake"): each proxy's
// stream serves its own certificate as `crossway-identity` (a workload's, or its
// Gateway's for an edge) and the trust bundle as `crossway-roots`.
export const IDENTITY_SECRET = 'crossway-identity';
export const ROOTS_SECRET = 'crossway-roots';

export const MESH_IDENTITY_SECRETS: ReadonlySet<string> = new Set([IDENTITY_SECRET, ROOTS_SECRET]);
