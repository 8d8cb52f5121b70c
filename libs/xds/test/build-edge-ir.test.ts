// buildEdgeIr on its own: what it gives for a Gateway that is not there.
import { resolvePolicy } from '@crossway/policy';
import { describe, expect, it } from 'vitest';
import { buildEdgeIr } from '../src/index';
import { caseInput, loadObjects } from './support/edge-cases';

describe('buildEdgeIr', () => {
  it('gives nothing for a Gateway that did not resolve', () => {
    expect(buildEdgeIr(resolvePolicy([]), 'edge/none')).toBeUndefined();
  });

  it('leaves out HTTPS listeners without a usable certificate', () => {
    const ir = buildEdgeIr(resolvePolicy(loadObjects(caseInput('https-listener'))), 'edge/secure');
    const sections = ir?.listeners.flatMap((l) => l.hostSets.flatMap((s) => s.sections));
    expect(sections).toEqual(['http', 'https', 'https-api']);
  });
});
