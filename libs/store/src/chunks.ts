// Packs per-operation writes into as few etcd transactions as the limits allow, in
// order, never splitting one operation's compares and writes across two.
import type { KvCompare, KvWrite } from './kv';
import { limitExcess, operationBytes } from './limits';

export interface Step {
  compares: KvCompare[];
  writes: KvWrite[];
}

export interface Chunk<S extends Step> {
  steps: S[];
  compares: KvCompare[];
  writes: KvWrite[];
}

/**
 * Chunks of `steps`, each with `extra` compares added (a marker that must still be
 * open). `tooLarge` builds the error for a step that fits no transaction on its own.
 */
export function packChunks<S extends Step>(
  steps: readonly S[],
  extra: readonly KvCompare[],
  tooLarge: (step: S, excess: string) => Error,
): Chunk<S>[] {
  const chunks: Chunk<S>[] = [];
  const extraBytes = operationBytes(extra, []);
  let current: Chunk<S> | undefined;
  let bytes = 0;
  for (const step of steps) {
    const stepBytes = operationBytes(step.compares, step.writes);
    const alone = limitExcess(
      extra.length + step.compares.length,
      step.writes.length,
      extraBytes + stepBytes,
    );
    if (alone !== undefined) throw tooLarge(step, alone);
    const fits =
      current !== undefined &&
      limitExcess(
        current.compares.length + step.compares.length,
        current.writes.length + step.writes.length,
        bytes + stepBytes,
      ) === undefined;
    if (current === undefined || !fits) {
      current = { steps: [], compares: [...extra], writes: [] };
      bytes = extraBytes;
      chunks.push(current);
    }
    current.steps.push(step);
    current.compares.push(...step.compares);
    current.writes.push(...step.writes);
    bytes += stepBytes;
  }
  return chunks;
}
