import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../src/manifests';

describe('manifests', () => {
  it('the demo policy set parses into valid objects', () => {
    const text = readFileSync(new URL('../../../examples/shop.yaml', import.meta.url), 'utf8');
    const result = parseManifests(text);
    expect(result.ok && result.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toContain(
      'HTTPRoute/storefront',
    );
  });

  it('a YAML syntax error names the document and the line', () => {
    const result = parseManifests('kind: Service\n---\nkind: a: b\nspec: {}\n');
    expect(result.ok).toBe(false);
    const violations = result.ok ? [] : result.violations;
    expect(violations.find((v) => v.document === 1)?.line).toBe(3);
  });

  it('an invalid object names the document and the field path', () => {
    const text = [
      'apiVersion: crossway.dev/v1alpha1',
      'kind: Service',
      'metadata: { name: a }',
      'spec: { ports: [{ name: http, port: 80 }] }',
      '---',
      'apiVersion: crossway.dev/v1alpha1',
      'kind: Service',
      'metadata: { name: b }',
      'spec: { ports: [{ name: http, port: 0 }] }',
    ].join('\n');
    const result = parseManifests(text);
    expect(result).toEqual({
      ok: false,
      violations: [
        { document: 1, path: 'spec.ports[0].port', message: 'must be an integer from 1 to 65535' },
      ],
    });
  });
});
