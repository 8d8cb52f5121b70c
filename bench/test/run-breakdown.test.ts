// A change's figures come from the trace round carrying its revision and the ACKs:
// total to the last affected ACK, each stage, bytes to affected and unaffected proxies.
import { describe, expect, it } from 'vitest';
import type { AckEvent } from '../src/dataplane/index';
import {
  acksByProxy,
  changeFigures,
  overlappingChangeLatency,
  type ChangeRecord,
} from '../src/run/breakdown';
import { parseTraceLine, roundFor } from '../src/run/trace';

const T0 = 1_700_000_000_000;
const line = (revision: number, offset: number) =>
  JSON.stringify({
    level: 30,
    msg: 'change-trace',
    revision,
    receivedAt: T0 + offset + 5,
    debouncedAt: T0 + offset + 105,
    builtAt: T0 + offset + 125,
    sentAt: T0 + offset + 130,
    groups: 2,
    streams: 3,
  });

const ack = (proxyId: string, at: number, bytes = 100): AckEvent => ({
  proxyId,
  typeUrl: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  version: 'v',
  bytes,
  resources: 1,
  at: T0 + at,
});

describe('change trace lines', () => {
  it('parses change-trace lines and ignores the rest', () => {
    expect(parseTraceLine(line(7, 0))).toMatchObject({ revision: 7, groups: 2, streams: 3 });
    expect(parseTraceLine('{"msg":"data plane connected"}')).toBeUndefined();
    expect(parseTraceLine('not json "change-trace"')).toBeUndefined();
    expect(parseTraceLine('{"msg":"change-trace","revision":"x"}')).toBeUndefined();
  });

  it('finds the first round that includes a revision', () => {
    const rounds = [line(5, 0), line(9, 200), line(12, 400)].map((l) => parseTraceLine(l)!);
    expect(roundFor(rounds, 6)?.revision).toBe(9);
    expect(roundFor(rounds, 12)?.revision).toBe(12);
    expect(roundFor(rounds, 13)).toBeUndefined();
  });
});

describe('change figures', () => {
  const change: ChangeRecord = {
    kind: 'endpoint',
    startedAt: T0,
    answeredAt: T0 + 3,
    revision: 9,
    expected: new Set(['a', 'b', 'own']),
    must: new Set(['a', 'b']),
  };
  const round = parseTraceLine(line(9, 0))!;

  it('splits change -> last affected ACK into stages', () => {
    const acks = [ack('a', 135), ack('b', 150, 300), ack('a', 140, 100), ack('x', 50)];
    const f = changeFigures(change, round, acks, T0 + 1000, (id) =>
      id === 'a' ? 'sotw' : 'delta',
    );
    expect(f.total).toBeCloseTo(150);
    expect(f.api).toBeCloseTo(3);
    expect(f.storeWatch).toBeCloseTo(2);
    expect(f.debounce).toBeCloseTo(100);
    expect(f.translation).toBeCloseTo(20);
    expect(f.send).toBeCloseTo(5);
    expect(f.ack).toBeCloseTo(20);
    expect(f.affected).toBe(2);
    expect(f.missed).toBe(0);
    expect(f.bytesPerAffected).toBe(250);
    expect(f.bytesPerAffectedSotw).toBe(200);
    expect(f.bytesPerAffectedDelta).toBe(300);
    // x ACKed before the round was built: not this change's.
    expect(f.bytesToUnaffected).toBe(0);
  });

  it('counts bytes to proxies outside the expected set and missed ones', () => {
    const f = changeFigures(change, round, [ack('a', 135), ack('x', 140, 42)], T0 + 1000);
    expect(f.bytesToUnaffected).toBe(42);
    expect(f.unaffectedReached).toBe(1);
    expect(f.missed).toBe(1);
  });

  it('is NaN when no affected proxy ACKed', () => {
    expect(changeFigures(change, undefined, [], T0 + 1000).total).toBeNaN();
  });

  it('attributes overlapping changes by each proxy first ACK after the round', () => {
    const byProxy = acksByProxy([ack('b', 300), ack('a', 126), ack('b', 127), ack('a', 90)]);
    expect(overlappingChangeLatency(change, round, byProxy)).toBeCloseTo(127);
  });
});
