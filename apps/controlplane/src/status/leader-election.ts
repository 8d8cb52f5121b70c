// Leader election over the store: the leader holds one leased record
// (`records/leaders/<name>`), created only if absent (LeaseSession.create) and kept
// alive every third of the TTL. When the leader closes, its record goes with its
// lease at once; when it dies or hangs, the lease expires within the TTL and another
// replica's next attempt creates the record. isLeader() turns false as soon as a
// renewal fails or the last good renewal is older than the TTL, so a replica cut off
// from the store stops acting before another one can take over.
import type { LeaseSession, Store } from '@crossway/store';
import type { Logger } from 'pino';

export const LEADERS_AREA = 'leaders';

export interface LeaderRecord {
  instance: string;
  /** ISO time the leadership started. */
  since: string;
}

export interface LeaderElectionOptions {
  store: Store;
  /** The record's id: one leader per name (e.g. "status-writer"). */
  name: string;
  instance: string;
  logger: Logger;
  /** Lease TTL. Default 15 s. */
  ttlMs?: number;
  /** Called when this replica becomes leader (true) or stops being leader (false). */
  onChange?: (leader: boolean) => void;
}

export interface LeaderElection {
  isLeader(): boolean;
  /** Stops campaigning; a leader gives up at once (its record is deleted). */
  close(): Promise<void>;
}

export function startLeaderElection(options: LeaderElectionOptions): LeaderElection {
  const ttlMs = options.ttlMs ?? 15_000;
  const intervalMs = Math.max(100, Math.floor(ttlMs / 3));
  const log = options.logger.child({ component: 'leader-election', name: options.name });
  const area = options.store.leasedRecords<LeaderRecord>(LEADERS_AREA);
  let session: LeaseSession<LeaderRecord> | undefined;
  let leader = false;
  let renewedAt = 0;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;

  const setLeader = (value: boolean): void => {
    if (leader === value) return;
    leader = value;
    if (value) log.info({ instance: options.instance }, 'became leader');
    else log.warn({ instance: options.instance }, 'no longer leader');
    options.onChange?.(value);
  };

  const attempt = async (): Promise<void> => {
    try {
      session ??= await area.session(ttlMs);
      if (closed) return;
      const started = Date.now();
      if (leader) {
        if (await session.keepAlive()) renewedAt = started;
        else {
          session = undefined;
          setLeader(false);
        }
        return;
      }
      const won = await session.create(options.name, {
        instance: options.instance,
        since: new Date().toISOString(),
      });
      if (won) {
        renewedAt = started;
        setLeader(true);
      } else if (!(await session.keepAlive())) session = undefined;
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'election failed');
      if (leader && Date.now() - renewedAt >= ttlMs) {
        session = undefined;
        setLeader(false);
      }
    }
  };

  const loop = (): void => {
    if (closed) return;
    running = attempt().finally(() => {
      running = undefined;
      if (!closed) timer = setTimeout(loop, intervalMs);
    });
  };
  loop();

  return {
    isLeader: () => leader && Date.now() - renewedAt < ttlMs,
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      await running;
      const wasLeader = leader;
      leader = false;
      await session?.close();
      session = undefined;
      if (wasLeader) {
        log.info({ instance: options.instance }, 'gave up leadership');
        options.onChange?.(false);
      }
    },
  };
}
