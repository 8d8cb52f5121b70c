import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { etcdEndpointForTests, startEtcd, TEST_ETCD_ENV, type EtcdProcess } from '../src/index';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

async function put(endpoint: string, key: string, value: string): Promise<void> {
  const response = await fetch(`${endpoint}/v3/kv/put`, {
    method: 'POST',
    body: JSON.stringify({ key: b64(key), value: b64(value) }),
  });
  expect(response.ok).toBe(true);
}

async function getValue(endpoint: string, key: string): Promise<string | undefined> {
  const response = await fetch(`${endpoint}/v3/kv/range`, {
    method: 'POST',
    body: JSON.stringify({ key: b64(key) }),
  });
  const body: unknown = await response.json();
  if (typeof body !== 'object' || body === null || !('kvs' in body) || !Array.isArray(body.kvs))
    return undefined;
  const first: unknown = body.kvs[0];
  if (
    typeof first !== 'object' ||
    first === null ||
    !('value' in first) ||
    typeof first.value !== 'string'
  )
    return undefined;
  return Buffer.from(first.value, 'base64').toString('utf8');
}

async function healthy(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(500) });
    return response.ok;
  } catch {
    return false;
  }
}

describe('startEtcd', () => {
  let member: EtcdProcess | undefined;
  afterEach(async () => {
    await member?.stop();
    member = undefined;
  });

  it('starts a healthy member on loopback and removes its temp data dir on stop', async () => {
    member = await startEtcd();
    expect(member.endpoint).toBe(`http://127.0.0.1:${member.clientPort}`);
    expect(await healthy(member.endpoint)).toBe(true);
    expect(existsSync(member.dataDir)).toBe(true);
    await member.stop();
    expect(existsSync(member.dataDir)).toBe(false);
    expect(await healthy(member.endpoint)).toBe(false);
    member = undefined;
  });

  it('restart keeps the data and the ports', async () => {
    member = await startEtcd();
    await put(member.endpoint, 'k', 'before');
    await member.restart();
    expect(await getValue(member.endpoint, 'k')).toBe('before');
  });

  it('a killed member comes back with its data on restart', async () => {
    member = await startEtcd();
    await put(member.endpoint, 'k', 'survives');
    await member.kill();
    expect(await healthy(member.endpoint)).toBe(false);
    await member.restart();
    expect(await getValue(member.endpoint, 'k')).toBe('survives');
  });

  it('a missing binary fails with how to install etcd', async () => {
    await expect(startEtcd({ binary: '/nonexistent/etcd', readyTimeoutMs: 2000 })).rejects.toThrow(
      /etcd/,
    );
  });
});

describe('etcdEndpointForTests', () => {
  it('returns the endpoint from the environment when one is set', async () => {
    const before = process.env[TEST_ETCD_ENV];
    process.env[TEST_ETCD_ENV] = 'http://127.0.0.1:1';
    try {
      expect(await etcdEndpointForTests()).toBe('http://127.0.0.1:1');
    } finally {
      if (before === undefined) delete process.env[TEST_ETCD_ENV];
      else process.env[TEST_ETCD_ENV] = before;
    }
  });

  it('otherwise starts one etcd for the process and reuses it', async () => {
    const before = process.env[TEST_ETCD_ENV];
    delete process.env[TEST_ETCD_ENV];
    try {
      const first = await etcdEndpointForTests();
      expect(await etcdEndpointForTests()).toBe(first);
      expect(await healthy(first)).toBe(true);
    } finally {
      if (before !== undefined) process.env[TEST_ETCD_ENV] = before;
    }
  });
});
