import { API_VERSION, type CrosswayObject } from '@crossway/model';
import { describe, expect, it } from 'vitest';
import { decodeContinue, encodeContinue } from '../src/continue-token';
import { compareKeys, KeyLayout } from '../src/keys';
import { MAX_REQUEST_BYTES, checkLimits } from '../src/limits';
import { buildCreated, buildUpdated, canonicalJson, timestampOf } from '../src/metadata';

const source = { now: () => new Date('2026-11-27T19:00:00.999Z'), newUid: () => 'u' };
const object = (spec: unknown, labels?: Record<string, string>): CrosswayObject => ({
  apiVersion: API_VERSION,
  kind: 'Service',
  metadata:
    labels === undefined ? { name: 'a', namespace: 'n' } : { name: 'a', namespace: 'n', labels },
  spec,
});

describe('metadata helpers', () => {
  it('timestamps are RFC 3339 at second precision', () => {
    expect(timestampOf(new Date('2026-11-27T19:00:00.999Z'))).toBe('2026-11-27T19:00:00Z');
  });

  it('canonical JSON ignores key order but not array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [2, 1] }, b: 1 }),
    );
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });

  it('empty labels and no labels are the same, so such an update writes nothing', () => {
    const stored = buildCreated(object({ x: 1 }), source);
    expect(buildUpdated(object({ x: 1 }, {}), stored, source)).toBeUndefined();
    expect(buildUpdated(object({ x: 1 }, { a: 'b' }), stored, source)?.metadata.generation).toBe(1);
    expect(buildUpdated(object({ x: 2 }), stored, source)?.metadata.generation).toBe(2);
  });
});

describe('keys', () => {
  it('keys follow the documented layout and map back to ids', () => {
    const layout = new KeyLayout('/crossway/');
    expect(layout.objectKey({ kind: 'HTTPRoute', namespace: 'shop', name: 'checkout' })).toBe(
      '/crossway/objects/httproutes/shop/checkout',
    );
    expect(layout.statusKey({ kind: 'Mesh', name: 'default' })).toBe(
      '/crossway/status/meshes/default',
    );
    expect(layout.idOfObjectKey('/crossway/objects/meshes/default')).toEqual({
      kind: 'Mesh',
      name: 'default',
    });
    expect(layout.idOfObjectKey('/crossway/objects/services/ns/a')).toEqual({
      kind: 'Service',
      namespace: 'ns',
      name: 'a',
    });
    expect(layout.idOfObjectKey('/crossway/objects/nothing/ns/a')).toBeUndefined();
  });

  it('keys compare as UTF-8 bytes, as etcd orders them', () => {
    const keys = ['a/b', 'a-b', 'a', '\u{1F600}', '\uFFFD', 'B'];
    const bytes = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...keys].sort(compareKeys)).toEqual(bytes);
  });
});

describe('continue tokens and limits', () => {
  it('a continue token round-trips and rejects garbage', () => {
    const token = encodeContinue({ revision: 42, nextKey: 'services/a/b\0' });
    expect(decodeContinue(token)).toEqual({ revision: 42, nextKey: 'services/a/b\0' });
    expect(() => decodeContinue('e30')).toThrow(/continue token/);
  });

  it('the size estimate never lets through a request etcd would refuse', () => {
    expect(() =>
      checkLimits([], [{ type: 'put', key: 'k', value: 'x'.repeat(MAX_REQUEST_BYTES) }]),
    ).toThrow(/at most 1572864 bytes/);
  });
});
