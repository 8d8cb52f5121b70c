// What a fresh store gets on first start: the Mesh with defaults, the demo set
// (embedded store), and an admin token when none was configured.
import { API_VERSION, MESH_NAME, validateObject } from '@crossway/model';
import { isStoreError, type Store } from '@crossway/store';
import { newToken, sha256Hex, type TokenRecords } from './auth/tokens';

/** Creates Mesh/default with its defaults unless it exists. Safe to race with other replicas. */
export async function ensureMesh(store: Store): Promise<void> {
  if (await store.get({ kind: 'Mesh', name: MESH_NAME })) return;
  const mesh = validateObject({
    apiVersion: API_VERSION,
    kind: 'Mesh',
    metadata: { name: MESH_NAME },
    spec: {},
  });
  if (!mesh.ok) throw new Error(`default Mesh is invalid: ${JSON.stringify(mesh.violations)}`);
  try {
    await store.create(mesh.value);
  } catch (error) {
    if (!isStoreError(error, 'AlreadyExists')) throw error;
  }
}

/**
 * Without CROSSWAY_ADMIN_TOKEN and with no token issued yet, issues one admin
 * token and returns it so it can be printed once. Later starts find a token and
 * issue nothing.
 */
export async function ensureAdminToken(
  records: TokenRecords,
  now: Date,
): Promise<string | undefined> {
  if ((await records.list()).length > 0) return undefined;
  const issued = newToken();
  await records.put({
    id: issued.id,
    type: 'api',
    role: 'admin',
    createdBy: 'first-start',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 24 * 3_600_000).toISOString(),
    secretSha256: sha256Hex(issued.secret),
  });
  return issued.token;
}

/** True when the store holds nothing but the default Mesh. */
export async function storeIsEmpty(store: Store): Promise<boolean> {
  const page = await store.list({ limit: 2 });
  return page.items.every((o) => o.kind === 'Mesh');
}
