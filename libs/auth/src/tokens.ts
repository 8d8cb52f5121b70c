// Bearer tokens: "cw_<id>_<secret>" API tokens and signed "cwdp_" data-plane tokens
// (see dataplane-tokens.ts). Only the SHA-256 of a secret is stored (with role, scope
// and expiry) so a stolen store yields no usable token; a token is revoked by
// deleting its record.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type ApiRole = 'admin' | 'editor' | 'viewer';
export type DataPlaneRole = 'edge' | 'sidecar' | 'proxyless';

/** Who is calling the API. */
export interface Principal {
  /** Token id, or "bootstrap-admin" for CROSSWAY_ADMIN_TOKEN. */
  id: string;
  role: ApiRole;
  /** Editors only: namespaces they may write. Absent: all. */
  namespaces?: readonly string[];
}

export interface TokenRecord {
  id: string;
  type: 'api' | 'dataplane';
  role: ApiRole | DataPlaneRole;
  namespaces?: string[];
  /** Data-plane tokens: the target, "ns/name". */
  gateway?: string;
  service?: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  secretSha256: string;
}

/** Where token records live: a small key-value facet of the store. */
export interface TokenRecords {
  get(id: string): Promise<TokenRecord | undefined>;
  put(record: TokenRecord): Promise<void>;
  delete(id: string): Promise<boolean>;
  list(): Promise<TokenRecord[]>;
}

const TOKEN_PATTERN = /^cw_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Constant-time string comparison. */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function newTokenId(): string {
  return randomBytes(8).toString('hex');
}

export function newToken(): { id: string; secret: string; token: string } {
  const id = newTokenId();
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, token: `cw_${id}_${secret}` };
}

export type Authentication =
  { ok: true; principal: Principal; record?: TokenRecord } | { ok: false; reason: string };

export interface TokenVerifierOptions {
  records: TokenRecords;
  /** CROSSWAY_ADMIN_TOKEN: accepted as an admin, never stored. */
  bootstrapAdminToken?: string;
  now: () => Date;
}

export type TokenLookup = { ok: true; record: TokenRecord } | { ok: false; reason: string };

/** Finds the live record of a "cw_" token: known, secret matching, not expired. */
async function lookupToken(token: string, options: TokenVerifierOptions): Promise<TokenLookup> {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return { ok: false, reason: 'malformed token' };
  const [, id = '', secret = ''] = match;
  const record = await options.records.get(id);
  if (!record || !sameText(record.secretSha256, sha256Hex(secret)))
    return { ok: false, reason: 'unknown or revoked token' };
  if (Date.parse(record.expiresAt) <= options.now().getTime())
    return { ok: false, reason: 'token expired' };
  return { ok: true, record };
}

/** Checks an API bearer token against the bootstrap token and the stored records. */
export async function verifyToken(
  token: string,
  options: TokenVerifierOptions,
): Promise<Authentication> {
  if (options.bootstrapAdminToken !== undefined && sameText(token, options.bootstrapAdminToken)) {
    return { ok: true, principal: { id: 'bootstrap-admin', role: 'admin' } };
  }
  const found = await lookupToken(token, options);
  if (!found.ok) return found;
  const { record } = found;
  if (record.type !== 'api') return { ok: false, reason: 'a data-plane token cannot call the API' };
  const principal: Principal = { id: record.id, role: record.role as ApiRole };
  if (record.namespaces !== undefined) principal.namespaces = record.namespaces;
  return { ok: true, principal, record };
}
