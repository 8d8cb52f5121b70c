// A fresh ECDSA P-256 key and a PKCS#10 CSR signed with it. The key never leaves the
// machine: only the CSR (public key + signature) is sent. The CSR asks for no identity;
// the server takes the SPIFFE ID from the data-plane token.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface KeyAndCsr {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** PKCS#10 PEM. */
  csrPem: string;
}

export async function newKeyAndCsr(): Promise<KeyAndCsr> {
  const keys = await webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=crossway-agent',
    keys,
    signingAlgorithm: ECDSA_P256,
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    privateKeyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
    csrPem: csr.toString('pem'),
  };
}
