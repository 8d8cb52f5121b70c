// Envoy rejects a RouteConfiguration in which one domain (compared case-insensitively) appears
// twice, in one virtual host or in two, and one with more than one `*` virtual host.
import type { JsonObject } from '../json.ts';
import { fieldPath, indexPath } from '../paths.ts';
import type { LocalProblem } from './problem.ts';
import { objects, text } from './visit.ts';

export function checkDomains(routeConfig: JsonObject, path: string): LocalProblem[] {
  const problems: LocalProblem[] = [];
  const owners = new Map<string, string>();
  objects(routeConfig.virtual_hosts).forEach((host, hostIndex) => {
    const hostName = text(host.name) ?? `#${hostIndex}`;
    const domains = Array.isArray(host.domains) ? host.domains : [];
    domains.forEach((domain, domainIndex) => {
      if (typeof domain !== 'string') return;
      const key = domain.toLowerCase();
      const here = indexPath(
        fieldPath(indexPath(fieldPath(path, 'virtual_hosts'), hostIndex), 'domains'),
        domainIndex,
      );
      const owner = owners.get(key);
      if (owner === undefined) {
        owners.set(key, hostName);
      } else if (key === '*') {
        problems.push({
          code: 'duplicate-wildcard-domain',
          path: here,
          message: `virtual host '${hostName}' is a second '*' virtual host (the first is '${owner}'); Envoy allows one`,
        });
      } else {
        problems.push({
          code: 'duplicate-domain',
          path: here,
          message: `domain '${domain}' is already used by virtual host '${owner}'; Envoy rejects duplicate domains`,
        });
      }
    });
  });
  return problems;
}
