// Output formats: kubectl-like tables (padded columns, upper-case headers), YAML and JSON.
import { stringify } from 'yaml';
import type { ApiObject } from '@crossway/client';
import { CliError, EXIT } from './exit-codes';

export type Format = 'table' | 'wide' | 'yaml' | 'json';

export function checkFormat(value: string): Format {
  if (value === 'table' || value === 'wide' || value === 'yaml' || value === 'json') return value;
  throw new CliError(`unknown output format "${value}" (table, wide, yaml or json)`, EXIT.usage);
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function age(timestamp: string | undefined, now = Date.now()): string {
  if (!timestamp) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** A short status word for an object: the first False condition's reason, else Ready/Accepted. */
export function statusWord(object: ApiObject): string {
  const status = object.status;
  if (!status) return '';
  const conditions = [
    ...(status.conditions ?? []),
    ...(status.parents ?? []).flatMap((p) => p.conditions),
    ...(status.ancestors ?? []).flatMap((a) => a.conditions),
  ];
  const bad = conditions.find((c) => c.status === 'False');
  if (bad) return bad.reason;
  return conditions.length > 0 ? 'OK' : '';
}

export function objectsTable(objects: ApiObject[], wide: boolean, withNamespace: boolean): string {
  const headers = [...(withNamespace ? ['NAMESPACE'] : []), 'NAME', 'STATUS', 'AGE'];
  if (wide) headers.push('GENERATION', 'OWNER');
  const rows = objects.map((o) => [
    ...(withNamespace ? [o.metadata.namespace ?? ''] : []),
    o.metadata.name,
    statusWord(o),
    age(o.metadata.creationTimestamp),
    ...(wide
      ? [String(o.metadata.generation ?? ''), o.metadata.annotations?.['crossway.dev/owner'] ?? '']
      : []),
  ]);
  return table(headers, rows);
}

export function render(format: 'yaml' | 'json', value: unknown): string {
  return format === 'json' ? JSON.stringify(value, null, 2) : stringify(value).trimEnd();
}
