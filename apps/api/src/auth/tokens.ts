// Bearer tokens for the API: the formats and checks live in @crossway/auth (shared
// with the control plane); this file keeps the API's import path stable.
export {
  newToken,
  sha256Hex,
  verifyToken,
  type Authentication,
  type DataPlaneRole,
  type TokenRecord,
  type TokenRecords,
  type TokenVerifierOptions,
} from '@crossway/auth';
