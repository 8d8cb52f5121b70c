// docs/capabilities.md carries the capability tables between two markers; this
// keeps them in step with src/capabilities. UPDATE_GOLDEN=1 rewrites the section.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';
import { describe, expect, it } from 'vitest';
import { renderCapabilityTables } from '../src/capabilities/render-capabilities';

const path = fileURLToPath(new URL('../docs/capabilities.md', import.meta.url));
const BEGIN = '<!-- capability tables: generated from src/capabilities, do not edit -->';
const END = '<!-- end of capability tables -->';

describe('docs/capabilities.md', () => {
  it('shows the capability tables the code uses', async () => {
    const doc = readFileSync(path, 'utf8');
    const start = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    expect(start, 'markers missing').toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const updated = await format(
      `${doc.slice(0, start)}${BEGIN}\n\n${renderCapabilityTables()}\n\n${doc.slice(end)}`,
      { parser: 'markdown' },
    );
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(path, updated);
    else expect(doc).toBe(updated);
  });
});
