// Loads the proxyless golden cases: testdata/proxyless/<case>.in.yaml holds model
// objects; leading comment lines name the node:
//   # proxyless: <ns>/<name>            the node's Service (omit the line for a pure client)
//   # certificate-providers: false      the bootstrap has no certificate providers (default true)
//   # request: <listener name>          a server listener name to look up (repeatable)
// The result is rendered to <case>.proxyless.json.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { JsonObject } from '@crossway/protos';
import { resolvePolicy } from '@crossway/policy';
import { format, resolveConfig } from 'prettier';
import {
  buildProxylessIr,
  buildSnapshot,
  proxylessScope,
  proxylessServerListener,
  stableJson,
  translateProxyless,
  unsupportedForRole,
  type EnvoyResources,
  type ProxylessIr,
  type Snapshot,
  type UnsupportedFinding,
} from '../../src/index';
import { loadObjects } from './edge-cases';

/** Golden files are formatted with the repo's Prettier config, as `format:check` reads them. */
const GOLDEN_CONFIG_FILE = fileURLToPath(new URL('../../testdata/golden.json', import.meta.url));

export const proxylessDir = fileURLToPath(new URL('../../testdata/proxyless/', import.meta.url));

export interface ProxylessCase {
  name: string;
  service?: string;
  certificateProviders: boolean;
  requests: string[];
}

export function proxylessCaseNames(): string[] {
  return readdirSync(proxylessDir)
    .filter((f) => f.endsWith('.in.yaml'))
    .map((f) => f.slice(0, -'.in.yaml'.length))
    .sort();
}

export function readCase(name: string): ProxylessCase {
  const text = readFileSync(`${proxylessDir}${name}.in.yaml`, 'utf8');
  const result: ProxylessCase = { name, certificateProviders: true, requests: [] };
  for (const line of text.split('\n')) {
    const m = /^#\s*([a-z-]+):\s*(\S+)\s*$/.exec(line);
    if (!m) {
      if (line.startsWith('#')) continue;
      break;
    }
    const [, key, value] = m;
    if (key === 'proxyless' && value !== undefined) result.service = value;
    if (key === 'certificate-providers') result.certificateProviders = value !== 'false';
    if (key === 'request' && value !== undefined) result.requests.push(value);
  }
  return result;
}

export interface ProxylessResult {
  ir: ProxylessIr;
  resources: EnvoyResources;
  snapshot: Snapshot;
  findings: UnsupportedFinding[];
  lookups: Record<string, JsonObject | null>;
}

export function runProxyless(c: ProxylessCase): ProxylessResult {
  const objects = loadObjects(`${proxylessDir}${c.name}.in.yaml`);
  const resolved = resolvePolicy(objects);
  const node = {
    certificateProviders: c.certificateProviders,
    ...(c.service ? { service: c.service } : {}),
  };
  const ir = buildProxylessIr(resolved, node);
  if (!ir) throw new Error(`${c.name}: Service ${c.service ?? ''} did not resolve`);
  const resources = translateProxyless(ir);
  const snapshot = buildSnapshot(resources);
  const findings = unsupportedForRole(resolved, 'proxyless', {
    sources: objects,
    services: proxylessScope(ir),
  });
  const lookups: Record<string, JsonObject | null> = {};
  for (const r of c.requests) lookups[r] = proxylessServerListener(ir, r) ?? null;
  return { ir, resources, snapshot, findings, lookups };
}

export async function renderProxylessGolden(c: ProxylessCase, r: ProxylessResult): Promise<string> {
  return format(
    stableJson({
      node: { service: c.service ?? null, certificateProviders: c.certificateProviders },
      security: r.ir.security,
      snapshot: r.snapshot.kinds,
      problems: r.snapshot.problems,
      leftOut: r.ir.leftOut,
      unsupportedForRole: r.findings,
      serverListenerLookups: r.lookups,
    }),
    { ...((await resolveConfig(GOLDEN_CONFIG_FILE)) ?? {}), parser: 'json' },
  );
}
