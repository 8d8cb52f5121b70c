// @crossway/auth: the token formats both apps need. API tokens ("cw_<id>_<secret>",
// stored hashed) and signed data-plane tokens ("cwdp_", HMAC-SHA256 with a key kept in
// the store), their records, and their verification.
export {
  newToken,
  newTokenId,
  sameText,
  sha256Hex,
  verifyToken,
  type ApiRole,
  type Authentication,
  type DataPlaneRole,
  type Principal,
  type TokenLookup,
  type TokenRecord,
  type TokenRecords,
  type TokenVerifierOptions,
} from './tokens';
export { storeTokenRecords } from './token-records';
export { storeSigningKeys, type SigningKey, type SigningKeys } from './signing-keys';
export {
  createDataPlaneTokenVerifier,
  DATAPLANE_TOKEN_PREFIX,
  issueDataPlaneToken,
  type DataPlaneClaims,
  type DataPlaneTokenRequest,
  type DataPlaneTokenVerifier,
  type DataPlaneVerification,
  type DataPlaneVerifierOptions,
} from './dataplane-tokens';
