// One change's figures from what was recorded: when the API request started and was
// answered, the control plane's trace round that carried its revision and the ACK
// events of the fleet. Change -> last affected ACK, split into API, store+watch,
// debounce, translation, send and ACK; bytes per affected proxy and to the others.
import type { AckEvent } from '../dataplane/index';
import type { TraceRound } from './trace';

export interface ChangeRecord {
  kind: string;
  /** Epoch ms when the API request was sent. */
  startedAt: number;
  /** Epoch ms when the API answered. */
  answeredAt: number;
  /** Store revision the write landed at. */
  revision: number;
  /** Proxies this change may reach (anything outside is "unaffected"). */
  expected: ReadonlySet<string>;
  /** Proxies this change must reach (counted as missed when they never ACK). */
  must: ReadonlySet<string>;
}

export interface ChangeFigures {
  kind: string;
  /** Change -> last ACK of an affected proxy (ms); NaN when no proxy ACKed. */
  total: number;
  api: number;
  storeWatch: number;
  debounce: number;
  translation: number;
  send: number;
  ack: number;
  /** Proxies that ACKed something for this change. */
  affected: number;
  /** Proxies that must be reached and never ACKed. */
  missed: number;
  bytesPerAffected: number;
  /** The same, over SotW and Delta proxies apart (NaN when none of that protocol ACKed). */
  bytesPerAffectedSotw: number;
  bytesPerAffectedDelta: number;
  /** Bytes ACKed by proxies outside `expected` (should be 0). */
  bytesToUnaffected: number;
  unaffectedReached: number;
}

/**
 * ACKs in [round.builtAt, until) count for this change (the window of a single
 * change, nothing else in flight). Without a round the window starts at the answer.
 */
export function changeFigures(
  change: ChangeRecord,
  round: TraceRound | undefined,
  acks: readonly AckEvent[],
  until: number,
  protocolOf: (proxyId: string) => 'sotw' | 'delta' | undefined = () => undefined,
): ChangeFigures {
  const from = round?.builtAt ?? change.answeredAt;
  const inWindow = acks.filter((a) => a.at >= from && a.at < until);
  let last = Number.NaN;
  const affected = new Set<string>();
  let bytesAffected = 0;
  let bytesOther = 0;
  const othersReached = new Set<string>();
  const byProtocol = {
    sotw: { bytes: 0, proxies: new Set<string>() },
    delta: { bytes: 0, proxies: new Set<string>() },
  };
  for (const a of inWindow) {
    if (change.expected.has(a.proxyId)) {
      affected.add(a.proxyId);
      bytesAffected += a.bytes;
      const protocol = protocolOf(a.proxyId);
      if (protocol !== undefined) {
        byProtocol[protocol].bytes += a.bytes;
        byProtocol[protocol].proxies.add(a.proxyId);
      }
      if (!(a.at <= last)) last = a.at;
    } else {
      bytesOther += a.bytes;
      othersReached.add(a.proxyId);
    }
  }
  let missed = 0;
  for (const id of change.must) if (!affected.has(id)) missed += 1;
  const nan = Number.NaN;
  return {
    kind: change.kind,
    total: last - change.startedAt,
    api: change.answeredAt - change.startedAt,
    storeWatch: round ? round.receivedAt - change.answeredAt : nan,
    debounce: round ? round.debouncedAt - round.receivedAt : nan,
    translation: round ? round.builtAt - round.debouncedAt : nan,
    send: round ? round.sentAt - round.builtAt : nan,
    ack: round ? last - round.sentAt : nan,
    affected: affected.size,
    missed,
    bytesPerAffected: affected.size === 0 ? 0 : bytesAffected / affected.size,
    bytesPerAffectedSotw: byProtocol.sotw.bytes / byProtocol.sotw.proxies.size,
    bytesPerAffectedDelta: byProtocol.delta.bytes / byProtocol.delta.proxies.size,
    bytesToUnaffected: bytesOther,
    unaffectedReached: othersReached.size,
  };
}

/**
 * Changes that overlap (churn): each expected proxy's first ACK at or after the
 * change's round was built counts; the change's latency is the last of those.
 */
export function overlappingChangeLatency(
  change: ChangeRecord,
  round: TraceRound | undefined,
  acksByProxy: ReadonlyMap<string, readonly AckEvent[]>,
): number {
  const from = round?.builtAt ?? change.answeredAt;
  let last = Number.NaN;
  for (const id of change.must) {
    const first = acksByProxy.get(id)?.find((a) => a.at >= from);
    if (first !== undefined && !(first.at <= last)) last = first.at;
  }
  return last - change.startedAt;
}

/** ACK events per proxy, in time order. */
export function acksByProxy(acks: readonly AckEvent[]): Map<string, AckEvent[]> {
  const map = new Map<string, AckEvent[]>();
  for (const a of [...acks].sort((x, y) => x.at - y.at)) {
    const list = map.get(a.proxyId) ?? [];
    list.push(a);
    map.set(a.proxyId, list);
  }
  return map;
}
