// The capability tables as Markdown, one table per role, for
// libs/xds/docs/capabilities.md (a test keeps the doc in step with the data).
import { FEATURES } from './capability-types';
import { ROLE_CAPABILITIES } from './role-capabilities';

const ROLES = ['edge', 'sidecar', 'proxyless'] as const;

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function renderCapabilityTables(): string {
  return ROLES.map((role) => {
    const rows = FEATURES.map((feature) => {
      const c = ROLE_CAPABILITIES[role][feature];
      return `| \`${feature}\` | ${c.support} | ${escapeCell(c.note)} |`;
    });
    return [`### ${role}`, '', '| feature | support | note |', '| --- | --- | --- |', ...rows].join(
      '\n',
    );
  }).join('\n\n');
}
