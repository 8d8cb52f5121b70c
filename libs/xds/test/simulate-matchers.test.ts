// One test per Envoy matcher kind the simulator implements, on hand-written config.
import type { JsonObject } from '@crossway/protos';
import { describe, expect, it } from 'vitest';
import {
  matchHeader,
  matchPath,
  matchQueryParameter,
  matchString,
  parseQuery,
  selectVirtualHost,
  simulateRequest,
  splitPath,
  type EnvoyResources,
} from '../src/index';

const headers = new Map([
  ['x-version', '2'],
  ['user-agent', 'Foo Mobile'],
  [':method', 'GET'],
]);

describe('string matchers', () => {
  it('exact, prefix, suffix and contains compare literally', () => {
    expect(matchString({ exact: 'abc' }, 'abc')).toBe(true);
    expect(matchString({ exact: 'abc' }, 'ABC')).toBe(false);
    expect(matchString({ prefix: 'ab' }, 'abc')).toBe(true);
    expect(matchString({ suffix: 'bc' }, 'abc')).toBe(true);
    expect(matchString({ contains: 'b' }, 'abc')).toBe(true);
    expect(matchString({ contains: 'x' }, 'abc')).toBe(false);
  });

  it('ignore_case folds both sides for literal matchers', () => {
    expect(matchString({ exact: 'AbC', ignore_case: true }, 'aBc')).toBe(true);
  });

  it('a safe_regex must match the whole value with RE2 syntax', () => {
    expect(matchString({ safe_regex: { regex: 'a.c' } }, 'abc')).toBe(true);
    expect(matchString({ safe_regex: { regex: 'b' } }, 'abc')).toBe(false);
    expect(matchString({ safe_regex: { regex: '(?P<x>a)bc' } }, 'abc')).toBe(true);
  });

  it('a malformed regex matches nothing', () => {
    expect(matchString({ safe_regex: { regex: '(' } }, '(')).toBe(false);
  });
});

describe('header matchers', () => {
  it('an exact string match compares the header value, whatever the case of the name', () => {
    expect(matchHeader({ name: 'X-Version', string_match: { exact: '2' } }, headers)).toBe(true);
    expect(matchHeader({ name: 'x-version', string_match: { exact: '3' } }, headers)).toBe(false);
  });

  it('a safe_regex string match must cover the whole value', () => {
    const matcher = { name: 'user-agent', string_match: { safe_regex: { regex: '.*Mobile' } } };
    expect(matchHeader(matcher, headers)).toBe(true);
    expect(
      matchHeader({ ...matcher, string_match: { safe_regex: { regex: 'Foo' } } }, headers),
    ).toBe(false);
  });

  it('present_match tests presence and an absent header fails any value match', () => {
    expect(matchHeader({ name: 'x-version', present_match: true }, headers)).toBe(true);
    expect(matchHeader({ name: 'x-missing', present_match: true }, headers)).toBe(false);
    expect(matchHeader({ name: 'x-missing', present_match: false }, headers)).toBe(true);
    expect(matchHeader({ name: 'x-missing', string_match: { exact: '' } }, headers)).toBe(false);
  });

  it('invert_match negates a match but an absent header still fails a value match', () => {
    expect(
      matchHeader({ name: 'x-version', string_match: { exact: '3' }, invert_match: true }, headers),
    ).toBe(true);
    expect(
      matchHeader({ name: 'x-version', string_match: { exact: '2' }, invert_match: true }, headers),
    ).toBe(false);
    expect(
      matchHeader({ name: 'x-missing', string_match: { exact: '2' }, invert_match: true }, headers),
    ).toBe(false);
    expect(
      matchHeader({ name: 'x-missing', present_match: true, invert_match: true }, headers),
    ).toBe(true);
  });

  it('the :method pseudo-header matches the request method', () => {
    expect(matchHeader({ name: ':method', string_match: { exact: 'GET' } }, headers)).toBe(true);
    expect(matchHeader({ name: ':method', string_match: { exact: 'POST' } }, headers)).toBe(false);
  });
});

describe('query parameter matchers', () => {
  const query = parseQuery('q=abc&debug=true&flag&q=zzz&x=%41');

  it('an exact match looks at the first value of the parameter', () => {
    expect(matchQueryParameter({ name: 'q', string_match: { exact: 'abc' } }, query)).toBe(true);
    expect(matchQueryParameter({ name: 'q', string_match: { exact: 'zzz' } }, query)).toBe(false);
    expect(matchQueryParameter({ name: 'x', string_match: { exact: 'A' } }, query)).toBe(true);
  });

  it('a regex match must cover the whole value', () => {
    expect(
      matchQueryParameter({ name: 'q', string_match: { safe_regex: { regex: '[a-z]+' } } }, query),
    ).toBe(true);
    expect(
      matchQueryParameter({ name: 'q', string_match: { safe_regex: { regex: '[a-b]+' } } }, query),
    ).toBe(false);
  });

  it('present_match holds for a parameter without a value and fails for a missing one', () => {
    expect(matchQueryParameter({ name: 'flag', present_match: true }, query)).toBe(true);
    expect(matchQueryParameter({ name: 'nope', present_match: true }, query)).toBe(false);
  });
});

describe('path matchers', () => {
  it('the query string and fragment are split off before matching', () => {
    expect(splitPath('/a/b?x=1#frag')).toEqual({ path: '/a/b', query: 'x=1' });
    expect(splitPath('/a#f?x')).toEqual({ path: '/a', query: '' });
  });

  it('path is an exact, case-sensitive match unless case_sensitive is false', () => {
    expect(matchPath({ path: '/a' }, '/a')).toBe(true);
    expect(matchPath({ path: '/a' }, '/A')).toBe(false);
    expect(matchPath({ path: '/a', case_sensitive: false }, '/A')).toBe(true);
  });

  it('prefix matches any continuation, even mid-segment', () => {
    expect(matchPath({ prefix: '/ab' }, '/abc')).toBe(true);
    expect(matchPath({ prefix: '/ab' }, '/a')).toBe(false);
  });

  it('path_separated_prefix matches the prefix alone or followed by a slash', () => {
    expect(matchPath({ path_separated_prefix: '/abc' }, '/abc')).toBe(true);
    expect(matchPath({ path_separated_prefix: '/abc' }, '/abc/x')).toBe(true);
    expect(matchPath({ path_separated_prefix: '/abc' }, '/abcd')).toBe(false);
  });

  it('safe_regex matches the whole path', () => {
    expect(matchPath({ safe_regex: { regex: '/v[0-9]+' } }, '/v12')).toBe(true);
    expect(matchPath({ safe_regex: { regex: '/v[0-9]+' } }, '/v12/x')).toBe(false);
  });
});

describe('virtual host selection', () => {
  const vhost = (name: string, domains: string[]): JsonObject => ({ name, domains, routes: [] });
  const config: JsonObject = {
    virtual_hosts: [
      vhost('any', ['*']),
      vhost('prefix', ['foo.*']),
      vhost('short', ['*.com']),
      vhost('long', ['*.example.com']),
      vhost('exact', ['foo.example.com', 'foo.example.com:8080']),
    ],
  };
  const pick = (host: string) => selectVirtualHost(config, host)?.['name'];

  it('an exact domain wins, then the longest suffix wildcard, then a prefix wildcard, then any', () => {
    expect(pick('FOO.example.com')).toBe('exact');
    expect(pick('foo.example.com:8080')).toBe('exact');
    expect(pick('bar.example.com')).toBe('long');
    expect(pick('bar.test.com')).toBe('short');
    expect(pick('foo.org')).toBe('prefix');
    expect(pick('elsewhere.org')).toBe('any');
  });
});

describe('route actions', () => {
  const resources = (route: JsonObject): EnvoyResources => ({
    listeners: [
      {
        name: 'l',
        address: { socket_address: { address: '0.0.0.0', port_value: 80 } },
        filter_chains: [
          {
            filters: [
              {
                name: 'envoy.filters.network.http_connection_manager',
                typed_config: {
                  route_config: {
                    name: 'rc',
                    virtual_hosts: [{ name: 'vh', domains: ['*'], routes: [route] }],
                  },
                },
              },
            ],
          },
        ],
      },
    ],
    routes: [],
    clusters: [{ name: 'known' }],
    endpoints: [],
    secrets: [],
  });
  const request = { port: 80, host: 'h.example:80', path: '/api/v1/x?k=v' };

  it('an undefined cluster is reported with the default 503 cluster-not-found status', () => {
    const result = simulateRequest(
      resources({ name: 'r', match: { prefix: '/' }, route: { cluster: 'nope' } }),
      request,
    );
    expect(result).toMatchObject({
      filterChain: 0,
      routeConfig: 'rc',
      virtualHost: 'vh',
      route: 'r',
    });
    expect(result.action).toEqual({
      type: 'forward',
      clusters: [{ name: 'nope', weight: 1, defined: false }],
      clusterNotFoundStatus: 503,
    });
  });

  it('a redirect can rewrite the path with a regex and substitute groups', () => {
    const route = {
      match: { prefix: '/api' },
      redirect: {
        https_redirect: true,
        regex_rewrite: { pattern: { regex: '^/api/(v[0-9])/' }, substitution: '/\\1/' },
      },
    };
    expect(simulateRequest(resources(route), request).action).toEqual({
      type: 'redirect',
      location: 'https://h.example/v1/x?k=v',
      status: 301,
    });
  });

  it('request headers to add are reported with their append action', () => {
    const route = {
      match: { prefix: '/' },
      direct_response: { status: 204 },
      request_headers_to_add: [
        { header: { key: 'x-a', value: '1' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
      ],
    };
    const result = simulateRequest(resources(route), request);
    expect(result.action).toEqual({ type: 'direct', status: 204 });
    expect(result.requestHeadersAdded).toEqual([
      { name: 'x-a', value: '1', appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD' },
    ]);
  });
});
