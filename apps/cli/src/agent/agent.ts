// The certificate agent of a proxyless gRPC workload (`crossway agent`): with its
// data-plane token it gets a certificate for its own identity (a new key and CSR each
// time; the key never leaves the machine), writes certificate, key and trust bundle
// where grpc's file_watcher providers read them, renews at a fraction of the
// certificate's lifetime (half by default), refreshes the trust bundle every interval
// (CA rotations), and backs off on errors. It never logs a key or the token.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { CrosswayApiError, type CrosswayClient, type SignedCertificate } from '@crossway/client';
import { nextDelayMs, sleep as sleepFor } from '../sync/backoff';
import type { SyncLog } from '../sync/sync-log';
import { newKeyAndCsr } from './key-and-csr';
import type { AgentPaths } from './paths';
import { replaceFiles } from './write-files';

export interface AgentOptions {
  client: Pick<CrosswayClient, 'signCertificate' | 'trustBundle'>;
  paths: AgentPaths;
  /** When to renew, as a fraction of the certificate's remaining lifetime at issue (0.5: half-life). */
  renewFraction: number;
  /** How often the trust bundle is fetched again. */
  bundleIntervalMs: number;
  /** First retry delay after a failure; doubles per consecutive failure up to maxBackoffMs. */
  retryMs: number;
  maxBackoffMs: number;
  log: SyncLog;
  now?: () => Date;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface Renewal {
  spiffeId: string;
  serialNumber: string;
  notAfter: Date;
  /** When the agent renews next. */
  renewAt: Date;
}

const MIN_WAIT_MS = 100;

function certificatesIn(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** Refuses an answer that could not work: no leaf for our key, or no roots. */
function checkAnswer(answer: SignedCertificate, privateKeyPem: string): X509Certificate {
  const [leafPem] = certificatesIn(answer.certificateChain);
  if (leafPem === undefined) throw new Error('the server answered no certificate');
  const leaf = new X509Certificate(leafPem);
  if (!leaf.checkPrivateKey(createPrivateKey(privateKeyPem)))
    throw new Error('the certificate the server answered is not for the key this agent sent');
  if (certificatesIn(answer.trustBundle).length === 0)
    throw new Error('the server answered an empty trust bundle');
  return leaf;
}

export class CertificateAgent {
  private readonly now: () => Date;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The trust bundle text last written, to write it only when it changes. */
  private writtenRoots: string | undefined;

  constructor(private readonly options: AgentOptions) {
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? sleepFor;
  }

  /** A new key, a certificate for it, and the trust bundle, written atomically. */
  async renew(): Promise<Renewal> {
    const { privateKeyPem, csrPem } = await newKeyAndCsr();
    const answer = await this.options.client.signCertificate(csrPem);
    const leaf = checkAnswer(answer, privateKeyPem);
    const { paths } = this.options;
    const roots = answer.trustBundle;
    await replaceFiles([
      ...(roots === this.writtenRoots ? [] : [{ path: paths.roots, text: roots, mode: 0o644 }]),
      { path: paths.privateKey, text: privateKeyPem, mode: 0o600 },
      { path: paths.certificate, text: answer.certificateChain, mode: 0o644 },
    ]);
    this.writtenRoots = roots;
    const receivedAt = this.now().getTime();
    const notAfter = new Date(answer.notAfter);
    const start = Math.max(Date.parse(answer.notBefore), receivedAt);
    const renewAt = new Date(
      start + Math.max(0, notAfter.getTime() - start) * this.options.renewFraction,
    );
    const renewal = {
      spiffeId: answer.spiffeId,
      serialNumber: leaf.serialNumber.toLowerCase(),
      notAfter,
      renewAt,
    };
    this.options.log.info(
      {
        spiffeId: renewal.spiffeId,
        serial: renewal.serialNumber,
        notAfter: answer.notAfter,
        renewAt: renewAt.toISOString(),
        certificate: paths.certificate,
      },
      'certificate written',
    );
    return renewal;
  }

  /** Fetches the trust bundle; writes it when it changed. True when it did. */
  async refreshTrustBundle(): Promise<boolean> {
    const bundle = await this.options.client.trustBundle();
    if (bundle.pem === this.writtenRoots) return false;
    if (certificatesIn(bundle.pem).length === 0)
      throw new Error('the server answered an empty trust bundle');
    await replaceFiles([{ path: this.options.paths.roots, text: bundle.pem, mode: 0o644 }]);
    this.writtenRoots = bundle.pem;
    this.options.log.info(
      { version: bundle.version, roots: bundle.roots.length, path: this.options.paths.roots },
      'trust bundle written',
    );
    return true;
  }

  /**
   * Renews and refreshes until the signal aborts; failures are logged and retried with
   * backoff. Throws only when the very first renewal is refused (401, 403): a wrong token.
   */
  async runUntil(signal: AbortSignal): Promise<void> {
    const { log, retryMs, maxBackoffMs, bundleIntervalMs } = this.options;
    let renewAt = 0;
    // A renewal writes the bundle too; the first refresh is one interval later.
    let bundleAt = this.now().getTime() + bundleIntervalMs;
    let renewFailures = 0;
    let bundleFailures = 0;
    let notAfter: Date | undefined;
    while (!signal.aborted) {
      const at = this.now().getTime();
      if (at >= renewAt) {
        try {
          const renewal = await this.renew();
          renewFailures = 0;
          notAfter = renewal.notAfter;
          renewAt = renewal.renewAt.getTime();
          bundleAt = this.now().getTime() + bundleIntervalMs;
        } catch (error) {
          // A token the server refuses before any certificate was had is a setup error: stop.
          if (notAfter === undefined && isRefusal(error)) throw error;
          renewFailures += 1;
          const delay = nextDelayMs(retryMs, renewFailures, maxBackoffMs);
          renewAt = at + delay;
          log.error(
            {
              err: describe(error),
              failures: renewFailures,
              retryInMs: delay,
              ...(notAfter === undefined ? {} : { currentNotAfter: notAfter.toISOString() }),
            },
            notAfter !== undefined && notAfter.getTime() <= at
              ? 'certificate renewal failed and the current certificate has EXPIRED'
              : 'certificate renewal failed',
          );
        }
      } else if (at >= bundleAt) {
        try {
          await this.refreshTrustBundle();
          bundleFailures = 0;
          bundleAt = at + bundleIntervalMs;
        } catch (error) {
          bundleFailures += 1;
          const delay = Math.min(
            nextDelayMs(retryMs, bundleFailures, maxBackoffMs),
            bundleIntervalMs,
          );
          bundleAt = at + delay;
          log.warn(
            { err: describe(error), failures: bundleFailures, retryInMs: delay },
            'trust bundle refresh failed',
          );
        }
      }
      if (signal.aborted) break;
      const wait = Math.max(MIN_WAIT_MS, Math.min(renewAt, bundleAt) - this.now().getTime());
      await this.sleep(wait, signal);
    }
  }
}

function isRefusal(error: unknown): boolean {
  return error instanceof CrosswayApiError && (error.status === 401 || error.status === 403);
}

/** An error as a log field: its message (the API's problem text, or the network cause), never a header. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const detail = cause?.code ?? cause?.message;
  return typeof detail === 'string' ? `${error.message}: ${detail}` : error.message;
}
