// The status a `crossway sync` process records for its owner id (store record area
// "syncs", one record per owner): what it syncs, the commit the store holds, the
// last result, error and drift. The zod schema validates PUT bodies with field paths.
import { z } from 'zod';
import { utf8Length } from '@crossway/model';
import { parseOwner } from './routes/query';

export const SYNCS_AREA = 'syncs';

/** Limits on a status record, so one fits comfortably in an etcd value. */
export const SYNC_LIMITS = {
  errorMessageBytes: 8 * 1024,
  driftObjects: 1000,
} as const;

/** True when the id passes the same rule as apply's `owner` (routes/query.ts). */
function isOwnerId(value: string): boolean {
  try {
    parseOwner(value);
    return true;
  } catch {
    return false;
  }
}

const text = (max: number) => z.string().min(1).max(max);
const time = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time' });
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const commit = text(128);

const driftObject = z.strictObject({
  kind: text(63),
  namespace: text(63).optional(),
  name: text(253),
  change: z.enum(['modified', 'deleted', 'added']),
});

export const syncStatusSchema = z.strictObject({
  owner: z
    .string()
    .refine(isOwnerId, 'must be 1-63 letters, digits, "-", "_" or "." (an apply owner id)'),
  repo: text(4096),
  branch: text(255),
  path: text(4096),
  instance: text(512).optional(),
  phase: z.enum(['Syncing', 'Synced', 'Drifted', 'Failed']),
  headCommit: commit.optional(),
  appliedCommit: commit.optional(),
  lastAttemptAt: time,
  lastSyncedAt: time.optional(),
  nextAttemptAt: time.optional(),
  consecutiveFailures: count,
  result: z
    .strictObject({ created: count, configured: count, unchanged: count, pruned: count })
    .optional(),
  error: z
    .strictObject({
      reason: text(256),
      message: z
        .string()
        .refine(
          (m) => utf8Length(m) <= SYNC_LIMITS.errorMessageBytes,
          `must be at most ${SYNC_LIMITS.errorMessageBytes} bytes`,
        ),
      commit: commit.optional(),
      at: time,
    })
    .optional(),
  drift: z
    .strictObject({
      detectedAt: time,
      repaired: z.boolean(),
      objects: z.array(driftObject).max(SYNC_LIMITS.driftObjects),
    })
    .optional(),
});

export type SyncStatus = z.infer<typeof syncStatusSchema>;

/** Reads a stored record; a record that no longer parses is an internal error of the store. */
export function parseStoredSyncStatus(value: unknown): SyncStatus {
  return syncStatusSchema.parse(value);
}
