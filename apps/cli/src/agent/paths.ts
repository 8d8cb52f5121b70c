// Where `crossway agent` writes: the files the gRPC xDS bootstrap's file_watcher
// certificate providers read (crossway-identity: cert + key, crossway-roots: CA).
// The layout under --dir matches CERTIFICATE_PATHS of GET /api/v1/bootstrap
// (apps/api/src/routes/bootstrap.ts) when --dir is the default.
import { join } from 'node:path';

export const DEFAULT_AGENT_DIR = '/var/run/crossway';

export interface AgentPaths {
  /** The leaf certificate, then intermediates (PEM). */
  certificate: string;
  /** The private key (PKCS#8 PEM), mode 0600. */
  privateKey: string;
  /** Every trusted root (PEM). */
  roots: string;
}

export function agentPaths(dir: string): AgentPaths {
  return {
    certificate: join(dir, 'identity', 'cert.pem'),
    privateKey: join(dir, 'identity', 'key.pem'),
    roots: join(dir, 'roots', 'ca.pem'),
  };
}
