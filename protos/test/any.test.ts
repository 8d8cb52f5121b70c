import { describe, expect, it } from 'vitest';
import {
  decodeAny,
  encodeAny,
  ProtosError,
  toProto3Json,
  typeNameFromUrl,
  typeUrl,
} from '../src/index.ts';
import { resource } from './fixtures.ts';

const CLUSTER = 'envoy.config.cluster.v3.Cluster';

describe('type URLs', () => {
  it('prefix a type name with type.googleapis.com', () => {
    expect(typeUrl(CLUSTER)).toBe('type.googleapis.com/envoy.config.cluster.v3.Cluster');
    expect(typeUrl(`.${CLUSTER}`)).toBe('type.googleapis.com/envoy.config.cluster.v3.Cluster');
  });

  it('name the type after their last slash', () => {
    expect(typeNameFromUrl('example.com/a/b/envoy.config.cluster.v3.Cluster')).toBe(CLUSTER);
  });
});

describe('encodeAny and decodeAny', () => {
  it('round-trip a cluster through an Any', () => {
    const cluster = resource('clusters', 'outbound|8080||checkout.shop');
    const any = encodeAny(CLUSTER, cluster);
    expect(any.type_url).toBe(typeUrl(CLUSTER));
    expect(any.value).toBeInstanceOf(Uint8Array);
    const decoded = decodeAny(any);
    expect(decoded.typeName).toBe(CLUSTER);
    expect(toProto3Json(decoded.message)).toMatchObject({
      name: 'outbound|8080||checkout.shop',
      connect_timeout: '5s',
      lb_policy: 'LEAST_REQUEST',
    });
  });

  it('decode an Any whose value is base64 text', () => {
    const any = encodeAny(CLUSTER, { name: 'a' });
    const decoded = decodeAny({
      type_url: any.type_url,
      value: Buffer.from(any.value).toString('base64'),
    });
    expect(toProto3Json(decoded.message)).toEqual({ name: 'a' });
  });

  it('refuse to encode an object with a field the type does not have', () => {
    const encode = () => encodeAny(CLUSTER, { name: 'a', conect_timeout: '1s' });
    expect(encode).toThrow(ProtosError);
    try {
      encode();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'INVALID_OBJECT',
        problems: [{ path: 'conect_timeout', message: expect.stringContaining('unknown field') }],
      });
    }
  });

  it('refuse to decode an Any of a type that is not loaded', () => {
    expect(() =>
      decodeAny({ type_url: 'type.googleapis.com/acme.Widget', value: new Uint8Array() }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ANY' }));
  });

  it('refuse to decode bytes that are not the named type', () => {
    const garbage = new Uint8Array([0x0a, 0xff, 0xff, 0xff]);
    expect(() => decodeAny({ type_url: typeUrl(CLUSTER), value: garbage })).toThrow(
      expect.objectContaining({ code: 'INVALID_ANY' }),
    );
  });
});
