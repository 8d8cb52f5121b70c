// SDS Secret resources: built from the model Secrets a snapshot names, valid Envoy
// messages, served to the data plane with their keys and shown redacted.
import { checkedFromObject, validateMessage, type JsonObject } from '@crossway/protos';
import { describe, expect, it } from 'vitest';
import {
  buildSnapshot,
  ENVOY_TYPES,
  MESH_CERTIFICATE_SDS,
  MESH_TRUST_BUNDLE_SDS,
  redactSecretResources,
  referencedSecrets,
  translateSecrets,
  type SecretObject,
} from '../src/index';
import { caseInput, loadObjects, runEdge } from './support/edge-cases';

/** Served by the identity layer (per proxy), never from stored Secrets. */
const MESH_IDENTITY = [MESH_CERTIFICATE_SDS, MESH_TRUST_BUNDLE_SDS];

function secretsOf(name: string): { names: string[]; objects: SecretObject[]; keys: string[] } {
  const objects = loadObjects(caseInput(name));
  const { resources } = runEdge(objects);
  const secrets = objects.flatMap((o) => (o.kind === 'Secret' ? [o] : []));
  return {
    names: referencedSecrets(resources).filter((n) => !MESH_IDENTITY.includes(n)),
    objects: secrets,
    keys: secrets.flatMap((s) =>
      s.spec.data['tls.key'] === undefined ? [] : [s.spec.data['tls.key']],
    ),
  };
}

function envoyProblems(resources: readonly JsonObject[]): string[] {
  return resources.flatMap((r) => {
    const checked = checkedFromObject(ENVOY_TYPES.secrets, r);
    return [
      ...(checked.ok ? [] : [JSON.stringify(checked.problems)]),
      ...validateMessage(ENVOY_TYPES.secrets, r).map((v) => `${v.path}: ${v.message}`),
    ];
  });
}

describe('SDS secrets', () => {
  const mtls = secretsOf('client-validation');

  it('builds the certificate and the CA validation contexts a listener names', () => {
    const { secrets, missing } = translateSecrets(mtls.names, mtls.objects);
    expect(missing).toEqual([]);
    expect(secrets.map((s) => s['name'])).toEqual([
      'ca-bundle/edge/bank-a-ca,edge/bank-b-ca',
      'secret/edge/edge-cert',
      'secret/edge/partner-ca',
    ]);
    const [bundle, cert, partner] = secrets;
    expect(JSON.stringify(cert)).toContain('BEGIN PRIVATE KEY');
    expect(cert?.['tls_certificate']).toBeDefined();
    expect(partner?.['validation_context']).toBeDefined();
    const trusted = JSON.stringify(bundle?.['validation_context']);
    expect(trusted.split('BEGIN CERTIFICATE').length - 1).toBe(2);
  });

  it('emits only Secrets that convert and pass PGV', () => {
    expect(envoyProblems(translateSecrets(mtls.names, mtls.objects).secrets)).toEqual([]);
  });

  it('makes a snapshot that serves its own secrets consistent', () => {
    const objects = loadObjects(caseInput('client-validation'));
    const { resources } = runEdge(objects);
    // The edge's mesh clusters name its own identity and the trust bundle too.
    expect(referencedSecrets(resources)).toEqual(expect.arrayContaining(MESH_IDENTITY));
    const { secrets } = translateSecrets(mtls.names, mtls.objects);
    const external = { externalSecrets: MESH_IDENTITY };
    expect(buildSnapshot({ ...resources, secrets }, external).problems).toEqual([]);
    expect(buildSnapshot(resources, external).problems).not.toEqual([]);
  });

  it('reports names with no usable Secret behind them', () => {
    const { secrets, missing } = translateSecrets(
      ['secret/edge/nope', 'secret/edge/partner-ca', 'ca-bundle/edge/partner-ca,edge/edge-cert'],
      mtls.objects,
    );
    expect(secrets.map((s) => s['name'])).toEqual(['secret/edge/partner-ca']);
    expect(missing).toEqual(['ca-bundle/edge/partner-ca,edge/edge-cert', 'secret/edge/nope']);
  });

  it('redacts every private key and keeps the certificates', () => {
    const https = secretsOf('https-listener');
    const { secrets } = translateSecrets(https.names, https.objects);
    expect(secrets.length).toBeGreaterThan(0);
    const redacted = redactSecretResources(secrets);
    const text = JSON.stringify(redacted);
    for (const key of https.keys) expect(text.includes(key.trim())).toBe(false);
    expect(text).not.toMatch(/PRIVATE KEY/);
    expect(text).toMatch(/BEGIN CERTIFICATE/);
    expect(text).toMatch(/\[redacted keySha256=[0-9a-f]{64}\]/);
    expect(envoyProblems(redacted)).toEqual([]);
    // The served copy is untouched.
    expect(JSON.stringify(secrets)).toMatch(/PRIVATE KEY/);
  });
});
