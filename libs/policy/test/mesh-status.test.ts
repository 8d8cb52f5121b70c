// Mesh status says what PERMISSIVE means for proxyless gRPC servers (the contract:
// "reported on Mesh status"), and says nothing extra for STRICT or DISABLED.
import { describe, expect, it } from 'vitest';
import { validateObject } from '@crossway/model';
import { resolvePolicy } from '../src/index';

function meshAccepted(mode: 'STRICT' | 'PERMISSIVE' | 'DISABLED'): string | undefined {
  const mesh = validateObject({
    apiVersion: 'crossway.dev/v1alpha1',
    kind: 'Mesh',
    metadata: { name: 'default' },
    spec: { mtls: { mode } },
  });
  if (!mesh.ok) throw new Error('invalid Mesh');
  const resolved = resolvePolicy([mesh.value]);
  const status = resolved.statuses.find((s) => s.kind === 'Mesh');
  const accepted = status?.status.conditions?.find((c) => c.type === 'Accepted');
  expect(accepted?.status).toBe('True');
  return accepted?.message;
}

describe('Mesh status', () => {
  it('explains PERMISSIVE for sidecars and proxyless servers', () => {
    const message = meshAccepted('PERMISSIVE');
    expect(message).toContain('proxyless gRPC servers act as STRICT');
    expect(message).toContain('as DISABLED without them');
  });

  it('adds nothing for STRICT and DISABLED', () => {
    expect(meshAccepted('STRICT')).toBe('Mesh accepted');
    expect(meshAccepted('DISABLED')).toBe('Mesh accepted');
  });
});
