// Mesh identity over SDS: the CA of this replica, the certificates it serves per
// SPIFFE ID with renewal at half-life, the trust bundle, and the Secret resources.
export { certificateTtlMs, nodeSpiffeId } from './node-identity';
export { IDENTITY_SECRET, MESH_IDENTITY_SECRETS, ROOTS_SECRET } from './secret-names';
export { identitySecretResource, rootsSecretResource } from './secret-resources';
export type { IdentityChange, IdentitySecretSource } from './identity-source';
export {
  startIdentityService,
  type IdentityControl,
  type IdentityService,
  type IdentityServiceOptions,
} from './identity-service';
