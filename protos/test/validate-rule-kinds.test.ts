// PGV rule kinds no loaded Envoy field uses, on the types in fixtures/pgv-cases.proto.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeAny, loadProtoFiles, validateMessage, type ValidateOptions } from '../src/index.ts';

const root = loadProtoFiles([
  fileURLToPath(new URL('./fixtures/pgv-cases.proto', import.meta.url)),
]);

function broken(type: string, object: unknown, options: ValidateOptions = {}): string[] {
  return validateMessage(`crossway.test.pgv.${type}`, object, { root, ...options }).map(
    (v) => `${v.path}: ${v.rule}`,
  );
}

describe('string rules', () => {
  it.each([
    ['prefixed', 'bar', 'foobar', 'string.prefix'],
    ['suffixed', 'example.org', 'example.com', 'string.suffix'],
    ['containing', 'abc', 'amidst', 'string.contains'],
    ['not_containing', 'so bad', 'fine', 'string.not_contains'],
    ['none_of', 'x', 'z', 'string.not_in'],
    ['exact', 'fixes', 'fixed', 'string.const'],
    ['three_chars', 'abcd', 'äöü', 'string.len'],
    ['two_to_four_bytes', 'ééé', 'éé', 'string.max_bytes'],
    ['two_to_four_bytes', 'a', 'ab', 'string.min_bytes'],
    ['max_two_chars', 'abc', 'éé', 'string.max_len'],
    ['host', 'bad_host.example', 'api.example.com.', 'string.hostname'],
    ['host', '-lead.example', 'a-b.example', 'string.hostname'],
    ['ip', '10.0.0.256', '2001:db8::1', 'string.ip'],
    ['ipv4', '::1', '192.168.1.10', 'string.ipv4'],
    ['ipv6', '1:2:3:4:5:6:7:8:9', '::ffff:10.0.0.1', 'string.ipv6'],
    ['uri', '/relative/path', 'https://example.com/a?b=c', 'string.uri'],
    ['uri_ref', 'has space', '/relative/path', 'string.uri_ref'],
    ['address', 'not an address', '10.1.2.3', 'string.address'],
    ['email', 'no-at-sign.example.com', 'ops@example.com', 'string.email'],
    ['uuid', '1234', '123e4567-e89b-12d3-a456-426614174000', 'string.uuid'],
    ['strict_header', 'x bad', 'x-good', 'string.well_known_regex'],
    ['greek', 'alpha', 'αβγ', 'string.pattern'],
  ])('%s rejects %j and accepts %j (%s)', (field, bad, good, rule) => {
    expect(broken('Strings', { [field]: bad })).toEqual([`${field}: ${rule}`]);
    expect(broken('Strings', { [field]: good })).toEqual([]);
  });

  it('reports a pattern RE2 cannot compile instead of running it as a JavaScript regex', () => {
    expect(validateMessage('crossway.test.pgv.Strings', { lookahead: 'abc' }, { root })).toEqual([
      {
        path: 'lookahead',
        rule: 'string.pattern',
        message: 'the rule\'s pattern "^(?=a)" is not valid RE2',
      },
    ]);
  });
});

describe('numeric rules', () => {
  it.each([
    ['i32', 10, 9, 'int32.lt'],
    ['i32', 0, 1, 'int32.gt'],
    ['i64', '-6', '-5', 'int64.gte'],
    ['s32', 8, 7, 'sint32.const'],
    ['s64', 4, 3, 'sint64.in'],
    ['f32', 0, 1, 'fixed32.not_in'],
    ['f64', '100', '99', 'fixed64.lt'],
    ['outside', 7, 11, 'sfixed32.gt_lt'],
    ['sf64', -2, -1, 'sfixed64.gte'],
    ['d', 1, 1.5, 'double.in'],
    ['f', 2.25, 2.5, 'float.const'],
    ['u64', '4294967296', '4294967297', 'uint64.gt'],
    ['u32', 8080, 443, 'uint32.in'],
  ])('%s rejects %j and accepts %j (%s)', (field, bad, good, rule) => {
    expect(broken('Numbers', { [field]: bad })).toEqual([`${field}: ${rule}`]);
    expect(broken('Numbers', { [field]: good })).toEqual([]);
  });

  it('skips a zero value under ignore_empty but checks others', () => {
    expect(broken('Numbers', {})).toEqual([]);
    expect(broken('Numbers', { zero_or_positive: -1 })).toEqual(['zero_or_positive: int32.gt']);
  });
});

describe('enum, bool and bytes rules', () => {
  it('enum.const and enum.in', () => {
    expect(broken('Enums', { green: 'BLUE', not_red: 'RED' })).toEqual([
      'green: enum.const',
      'not_red: enum.in',
    ]);
    expect(broken('Enums', { green: 'GREEN', not_red: 'BLUE' })).toEqual([]);
  });

  it('bool.const false', () => {
    expect(broken('Bools', { must_be_false: true })).toEqual(['must_be_false: bool.const']);
  });

  it.each([
    ['four', [1, 2, 3], [1, 2, 3, 4], 'bytes.len'],
    ['prefixed', [0x62, 0x61], [0x61, 0x62, 0x63], 'bytes.prefix'],
    ['ipv4', [127, 0, 0], [127, 0, 0, 1], 'bytes.ipv4'],
    ['patterned', [0x62, 0x61], [0x61, 0x62, 0x63], 'bytes.pattern'],
    ['containing', [0x7a], [0x61, 0x7a, 0x7a], 'bytes.contains'],
    ['one_of', [0x63], [0x62], 'bytes.in'],
    ['short', [1, 2, 3], [1], 'bytes.max_len'],
    ['short', [], [1, 2], 'bytes.min_len'],
  ])('%s rejects %j and accepts %j (%s)', (field, bad, good, rule) => {
    expect(broken('Bytes', { [field]: new Uint8Array(bad) })).toEqual([`${field}: ${rule}`]);
    expect(broken('Bytes', { [field]: new Uint8Array(good) })).toEqual([]);
  });
});

describe('message, repeated, map and any rules', () => {
  it('message.skip leaves a nested message unchecked while others are checked', () => {
    expect(broken('Messages', { skipped: { name: '' }, checked: { name: '' } })).toEqual([
      'checked.name: string.min_len',
    ]);
  });

  it('repeated.max_items and repeated.unique, with ignore_empty for an empty list', () => {
    expect(broken('Collections', { names: ['a', 'b', 'a'] })).toEqual([
      'names: repeated.max_items',
      'names[2]: repeated.unique',
    ]);
    expect(broken('Collections', { names: [] })).toEqual([]);
  });

  it('map.max_pairs, map keys and map values', () => {
    expect(broken('Collections', { limits: { 'x-a': 1, b: 2, 'x-c': -1 } })).toEqual([
      'limits: map.max_pairs',
      'limits["b"]: string.prefix',
      'limits["x-c"]: int32.gte',
    ]);
  });

  it('map keys of an integer type', () => {
    expect(broken('Collections', { by_port: { '70000': 'big', '80': 'http' } })).toEqual([
      'by_port["70000"]: uint32.lte',
    ]);
  });

  it('any.in and any.not_in on type URLs', () => {
    const timestamp = encodeAny('google.protobuf.Timestamp', '2024-07-01T00:00:00Z', { root });
    expect(broken('Anys', { only_durations: timestamp, no_timestamps: timestamp })).toEqual([
      'only_durations: any.in',
      'no_timestamps: any.not_in',
    ]);
    const duration = encodeAny('google.protobuf.Duration', '1s', { root });
    expect(broken('Anys', { only_durations: duration, no_timestamps: duration })).toEqual([]);
  });
});

describe('duration and timestamp rules', () => {
  it('duration.const, duration.in and duration.not_in', () => {
    expect(broken('Durations', { five_seconds: '5.5s', one_or_two: '3s', not_zero: '0s' })).toEqual(
      ['five_seconds: duration.const', 'one_or_two: duration.in', 'not_zero: duration.not_in'],
    );
    expect(
      broken('Durations', { five_seconds: '5s', one_or_two: '2s', not_zero: '0.001s' }),
    ).toEqual([]);
  });

  it('timestamp.lt and timestamp.gte', () => {
    const at = (seconds: number) => ({ seconds, nanos: 0 });
    expect(broken('Timestamps', { before_1000: at(1000), after_1000: at(999) })).toEqual([
      'before_1000: timestamp.lt',
      'after_1000: timestamp.gte',
    ]);
  });

  it('timestamp.lt_now, gt_now and within use the clock given, and are skipped without one', () => {
    const now = new Date('2024-07-01T12:00:00Z');
    const object = {
      past: '2024-07-01T12:00:01Z',
      future: '2024-07-01T11:59:59Z',
      recent: '2024-07-01T11:58:00Z',
    };
    expect(broken('Timestamps', object, { now })).toEqual([
      'past: timestamp.lt_now',
      'future: timestamp.gt_now',
      'recent: timestamp.within',
    ]);
    expect(broken('Timestamps', object)).toEqual([]);
  });

  it('timestamp.required', () => {
    expect(broken('RequiredTimestamp', {})).toEqual(['at: timestamp.required']);
  });
});

describe('message options', () => {
  it('validate.disabled and validate.ignored turn checks off for a message', () => {
    expect(broken('Disabled', { name: '' })).toEqual([]);
    expect(broken('Ignored', { name: '' })).toEqual([]);
  });
});
