// Listener rules Envoy enforces beyond PGV: filter chains with identical matches, matches on
// fields Envoy never implemented, and two listeners on one address.
import { isJsonObject, stableStringify, type JsonObject, type JsonValue } from '../json.ts';
import { fieldPath, indexPath } from '../paths.ts';
import type { LocalProblem } from './problem.ts';
import { objects, text } from './visit.ts';

// Envoy compares matches as sets, so list order does not make two matches different.
function matchKey(match: JsonObject): string {
  const sorted: JsonObject = {};
  for (const [key, value] of Object.entries(match)) {
    sorted[key] = Array.isArray(value) ? [...value].sort(byJson) : value;
  }
  return stableStringify(sorted);
}

function byJson(a: JsonValue, b: JsonValue): number {
  const left = stableStringify(a);
  const right = stableStringify(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

export function checkFilterChains(listener: JsonObject, path: string): LocalProblem[] {
  const problems: LocalProblem[] = [];
  const seen = new Map<string, { index: number; name: string | undefined }>();
  const useMatcher = isJsonObject(listener.filter_chain_matcher);
  objects(listener.filter_chains).forEach((chain, index) => {
    const chainPath = indexPath(fieldPath(path, 'filter_chains'), index);
    const match = isJsonObject(chain.filter_chain_match) ? chain.filter_chain_match : {};
    for (const field of ['address_suffix', 'suffix_len']) {
      if (match[field] !== undefined) {
        problems.push({
          code: 'unsupported-filter-chain-match',
          path: fieldPath(fieldPath(chainPath, 'filter_chain_match'), field),
          message: `Envoy rejects filter_chain_match.${field}: it is not implemented`,
        });
      }
    }
    if (useMatcher) return;
    const key = matchKey(match);
    const earlier = seen.get(key);
    if (earlier === undefined) {
      seen.set(key, { index, name: text(chain.name) });
      return;
    }
    const other =
      earlier.name === undefined
        ? `filter chain ${earlier.index}`
        : `filter chain '${earlier.name}'`;
    problems.push({
      code: 'duplicate-filter-chain-match',
      path: fieldPath(chainPath, 'filter_chain_match'),
      message: `same filter_chain_match as ${other}; Envoy rejects the listener`,
    });
  });
  return problems;
}

/** Addresses a listener binds, as comparable keys with their paths. */
export function listenerAddresses(listener: JsonObject): { key: string; path: string }[] {
  const found: { key: string; path: string }[] = [];
  const add = (address: JsonValue | undefined, path: string) => {
    const key = addressKey(address);
    if (key !== undefined) found.push({ key, path });
  };
  add(listener.address, 'address');
  objects(listener.additional_addresses).forEach((extra, index) =>
    add(extra.address, fieldPath(indexPath('additional_addresses', index), 'address')),
  );
  return found;
}

function addressKey(address: JsonValue | undefined): string | undefined {
  if (!isJsonObject(address)) return undefined;
  const socket = address.socket_address;
  if (isJsonObject(socket)) {
    const port = typeof socket.port_value === 'number' ? socket.port_value : 0;
    const host = text(socket.address) ?? '';
    if (port === 0) return undefined; // port 0 (or named ports) asks the kernel for any port
    const protocol = text(socket.protocol) ?? 'TCP';
    return `${protocol} ${host.includes(':') ? `[${host}]` : host}:${port}`;
  }
  if (isJsonObject(address.pipe)) {
    const pipe = text(address.pipe.path);
    return pipe === undefined ? undefined : `pipe ${pipe}`;
  }
  if (isJsonObject(address.envoy_internal_address)) {
    const internal = text(address.envoy_internal_address.server_listener_name);
    return internal === undefined ? undefined : `internal listener ${internal}`;
  }
  return undefined;
}
