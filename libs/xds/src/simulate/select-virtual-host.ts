// Envoy's virtual host choice for a Host header: an exact domain, then suffix
// wildcards ("*.x", longest first), then prefix wildcards ("x.*", longest first),
// then "*". The host is compared lower-cased and with its port, as given.
import type { JsonObject } from '@crossway/protos';
import { objectsAt, stringsAt } from './json-read';

interface Candidate {
  vhost: JsonObject;
  length: number;
}

function longest(current: Candidate | undefined, next: Candidate): Candidate {
  return current && current.length >= next.length ? current : next;
}

export function selectVirtualHost(routeConfig: JsonObject, host: string): JsonObject | undefined {
  const wanted = host.toLowerCase();
  let suffix: Candidate | undefined;
  let prefix: Candidate | undefined;
  let any: JsonObject | undefined;
  for (const vhost of objectsAt(routeConfig, 'virtual_hosts')) {
    for (const raw of stringsAt(vhost, 'domains')) {
      const domain = raw.toLowerCase();
      if (domain === '*') {
        any ??= vhost;
      } else if (domain.startsWith('*')) {
        // The wildcard stands for at least one character.
        const rest = domain.slice(1);
        if (wanted.length > rest.length && wanted.endsWith(rest))
          suffix = longest(suffix, { vhost, length: rest.length });
      } else if (domain.endsWith('*')) {
        const rest = domain.slice(0, -1);
        if (wanted.length > rest.length && wanted.startsWith(rest))
          prefix = longest(prefix, { vhost, length: rest.length });
      } else if (domain === wanted) {
        return vhost;
      }
    }
  }
  return suffix?.vhost ?? prefix?.vhost ?? any;
}
