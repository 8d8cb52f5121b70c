// Signed data-plane tokens: "cwdp_<claims>.<signature>", where claims is base64url JSON
// {kid, jti, role, gateway?|service?, exp} and signature is HMAC-SHA256 of the claims
// part with the signing key `kid`. Any control-plane replica verifies one without a
// store read per stream; revocation still works because the token's record (id = jti)
// must exist, which is checked through a short cache.
import { createHmac } from 'node:crypto';
import type { SigningKeys } from './signing-keys';
import {
  newTokenId,
  sameText,
  sha256Hex,
  type DataPlaneRole,
  type TokenRecord,
  type TokenRecords,
} from './tokens';

export const DATAPLANE_TOKEN_PREFIX = 'cwdp_';

/** What a data-plane token was issued for. */
export interface DataPlaneClaims {
  /** Token id: its record's id; deleting the record revokes the token. */
  jti: string;
  role: DataPlaneRole;
  /** edge: "ns/name" of the Gateway. */
  gateway?: string;
  /** sidecar, proxyless: "ns/name" of the Service. */
  service?: string;
  /** Expiry, ms since epoch. */
  exp: number;
}

export interface DataPlaneTokenRequest {
  role: DataPlaneRole;
  gateway?: string;
  service?: string;
  ttlMs: number;
  createdBy: string;
}

function sign(secret: string, payload: string): string {
  return createHmac('sha256', Buffer.from(secret, 'base64url')).update(payload).digest('base64url');
}

/** Issues a signed data-plane token and stores its record (for listing and revocation). */
export async function issueDataPlaneToken(
  request: DataPlaneTokenRequest,
  deps: { records: TokenRecords; keys: SigningKeys; now: () => Date },
): Promise<{ token: string; record: TokenRecord }> {
  const key = await deps.keys.current();
  const created = deps.now();
  const jti = newTokenId();
  const exp = created.getTime() + request.ttlMs;
  const claims: DataPlaneClaims & { kid: string } = {
    kid: key.id,
    jti,
    role: request.role,
    ...(request.gateway !== undefined ? { gateway: request.gateway } : {}),
    ...(request.service !== undefined ? { service: request.service } : {}),
    exp,
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = sign(key.secret, payload);
  const record: TokenRecord = {
    id: jti,
    type: 'dataplane',
    role: request.role,
    createdBy: request.createdBy,
    createdAt: created.toISOString(),
    expiresAt: new Date(exp).toISOString(),
    secretSha256: sha256Hex(signature),
    ...(request.gateway !== undefined ? { gateway: request.gateway } : {}),
    ...(request.service !== undefined ? { service: request.service } : {}),
  };
  await deps.records.put(record);
  return { token: `${DATAPLANE_TOKEN_PREFIX}${payload}.${signature}`, record };
}

export type DataPlaneVerification =
  { ok: true; claims: DataPlaneClaims } | { ok: false; reason: string };

export interface DataPlaneTokenVerifier {
  verify(token: string): Promise<DataPlaneVerification>;
}

const ROLES: ReadonlySet<string> = new Set(['edge', 'sidecar', 'proxyless']);

function decodeClaims(payload: string): (DataPlaneClaims & { kid: string }) | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { kid, jti, role, gateway, service, exp } = value as Record<string, unknown>;
  if (typeof kid !== 'string' || typeof jti !== 'string' || typeof exp !== 'number')
    return undefined;
  if (typeof role !== 'string' || !ROLES.has(role)) return undefined;
  if (gateway !== undefined && typeof gateway !== 'string') return undefined;
  if (service !== undefined && typeof service !== 'string') return undefined;
  return {
    kid,
    jti,
    role: role as DataPlaneRole,
    exp,
    ...(gateway !== undefined ? { gateway } : {}),
    ...(service !== undefined ? { service } : {}),
  };
}

export interface DataPlaneVerifierOptions {
  records: TokenRecords;
  keys: SigningKeys;
  now?: () => Date;
  /** How long a token record's presence (or absence) is trusted. Default 5 s. */
  revocationCacheMs?: number;
  /** Concurrent record reads beyond which one list of all records serves them. Default 16. */
  burstSize?: number;
}

/** Verifies signed "cwdp_" tokens (and the older stored "cw_" data-plane tokens). */
export function createDataPlaneTokenVerifier(
  options: DataPlaneVerifierOptions,
): DataPlaneTokenVerifier {
  const now = options.now ?? (() => new Date());
  const cacheMs = options.revocationCacheMs ?? 5_000;
  const presence = new Map<string, { record: TokenRecord | undefined; at: number }>();

  const burstSize = options.burstSize ?? 16;
  let inFlight = 0;
  /** One read of every token record, shared by the verifications of a connect burst. */
  let listing: Promise<Map<string, TokenRecord>> | undefined;

  const remember = (id: string, record: TokenRecord | undefined, at: number): void => {
    if (presence.size > 10_000) presence.clear();
    presence.set(id, { record, at });
  };

  const listAll = (at: number): Promise<Map<string, TokenRecord>> => {
    listing ??= options.records
      .list()
      .then((records) => {
        const byId = new Map(records.map((r) => [r.id, r]));
        for (const [id, record] of byId) remember(id, record, at);
        return byId;
      })
      .finally(() => {
        listing = undefined;
      });
    return listing;
  };

  const recordOf = async (id: string): Promise<TokenRecord | undefined> => {
    const at = now().getTime();
    const cached = presence.get(id);
    if (cached !== undefined && at - cached.at < cacheMs) return cached.record;
    inFlight++;
    try {
      // Many proxies connecting at once (a restart, a reconnect storm): one list of the
      // records instead of one read each. A token the list lacks (created since) is
      // still read on its own, so a new token is never refused for being new.
      if (listing !== undefined || inFlight > burstSize) {
        const listed = (await listAll(at)).get(id);
        if (listed !== undefined) return listed;
      }
      const record = await options.records.get(id);
      remember(id, record, at);
      return record;
    } finally {
      inFlight--;
    }
  };

  const verifyStored = async (token: string): Promise<DataPlaneVerification> => {
    const match = /^cw_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return { ok: false, reason: 'malformed token' };
    const [, id = '', secret = ''] = match;
    const record = await recordOf(id);
    if (!record || !sameText(record.secretSha256, sha256Hex(secret)))
      return { ok: false, reason: 'unknown or revoked token' };
    if (record.type !== 'dataplane') return { ok: false, reason: 'not a data-plane token' };
    const exp = Date.parse(record.expiresAt);
    if (exp <= now().getTime()) return { ok: false, reason: 'token expired' };
    const claims: DataPlaneClaims = { jti: record.id, role: record.role as DataPlaneRole, exp };
    if (record.gateway !== undefined) claims.gateway = record.gateway;
    if (record.service !== undefined) claims.service = record.service;
    return { ok: true, claims };
  };

  return {
    verify: async (token) => {
      if (!token.startsWith(DATAPLANE_TOKEN_PREFIX)) return verifyStored(token);
      const [payload = '', signature = '', extra] = token
        .slice(DATAPLANE_TOKEN_PREFIX.length)
        .split('.');
      if (payload === '' || signature === '' || extra !== undefined)
        return { ok: false, reason: 'malformed token' };
      const claims = decodeClaims(payload);
      if (claims === undefined) return { ok: false, reason: 'malformed token' };
      const key = await options.keys.get(claims.kid);
      if (key === undefined || !sameText(sign(key.secret, payload), signature))
        return { ok: false, reason: 'bad token signature' };
      if (claims.exp <= now().getTime()) return { ok: false, reason: 'token expired' };
      const record = await recordOf(claims.jti);
      if (record === undefined || !sameText(record.secretSha256, sha256Hex(signature)))
        return { ok: false, reason: 'unknown or revoked token' };
      const { kid: _kid, ...rest } = claims;
      return { ok: true, claims: rest };
    },
  };
}
