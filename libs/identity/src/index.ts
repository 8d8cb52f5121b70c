// @crossway/identity: the mesh CA (a root it creates, or an operator-provided root or
// intermediate) stored in the store with its key sealed; SPIFFE identities; leaf
// certificates for workloads and edges; the trust bundle across CA rotations.
export { loadAuthority, loadOrCreateAuthority, rotateAuthority } from './lifecycle';
export { encryptionKeyFromEnv } from './encryption-key';
export { spiffeIdOfGateway, spiffeIdOfWorkload, spiffeIdsOf } from './spiffe';
export type {
  AuthorityOptions,
  CertificateAuthority,
  IssuedCertificate,
  TrustBundle,
} from './types';
