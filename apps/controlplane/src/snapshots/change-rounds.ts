// The change trace of one published round (ControlPlaneOptions.traceChanges): which
// store revision it carries, when that change reached the informer, when the debounce
// fired, when the rebuild finished and when the last stream's response was written.
// A round hands every watcher it notifies a PushDelivery; each stream calls done()
// once it has written what that snapshot required (with the time) or dropped it
// (superseded by a newer snapshot, nothing due, stream gone). The trace is emitted
// when the round is sealed and every delivery is done, or after a safety timeout.
import type { PushDelivery } from '../contracts';

export interface ChangeTrace {
  /** The newest store revision this round's build includes. */
  revision: number;
  /** Epoch ms (float): when the store event of `revision` reached the informer. */
  receivedAt: number;
  /** When the debounce fired (the rebuild started). */
  debouncedAt: number;
  /** When every affected group was rebuilt (before any stream was notified). */
  builtAt: number;
  /** When the last stream's response was written (builtAt when none was). */
  sentAt: number;
  /** Groups whose snapshot changed. */
  groups: number;
  /** Streams that wrote at least one response for this round. */
  streams: number;
}

/** Wall-clock epoch milliseconds with sub-millisecond precision. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** A round gives up waiting for its streams after this long (a stuck client). */
const ROUND_TIMEOUT_MS = 60_000;

export interface ChangeRound {
  /** One more watcher notified: what it must call done() on. */
  delivery(): PushDelivery;
  /** Every watcher has been notified: the round completes once their deliveries are done. */
  seal(): void;
}

export function startChangeRound(
  base: Pick<ChangeTrace, 'revision' | 'receivedAt' | 'debouncedAt' | 'builtAt' | 'groups'>,
  emit: (trace: ChangeTrace) => void,
): ChangeRound {
  let pending = 0;
  let sealed = false;
  let emitted = false;
  let streams = 0;
  let sentAt = base.builtAt;
  let timer: NodeJS.Timeout | undefined;

  const finish = (): void => {
    if (emitted) return;
    emitted = true;
    if (timer) clearTimeout(timer);
    emit({ ...base, sentAt, streams });
  };
  const check = (): void => {
    if (sealed && pending === 0) finish();
  };

  return {
    delivery() {
      pending++;
      let done = false;
      return {
        done(writtenAt) {
          if (done) return;
          done = true;
          pending--;
          if (writtenAt !== undefined) {
            streams++;
            if (writtenAt > sentAt) sentAt = writtenAt;
          }
          check();
        },
      };
    },
    seal() {
      sealed = true;
      check();
      if (!emitted) {
        timer = setTimeout(finish, ROUND_TIMEOUT_MS);
        timer.unref();
      }
    },
  };
}
