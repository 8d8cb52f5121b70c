// crossway ca roots: the mesh trust bundle's roots; crossway ca rotate: a new root
// signs from now on while the old one stays trusted for --overlap (admins only).
import type { TrustBundleInfo } from '@crossway/client';
import { EXIT } from '../exit-codes';
import { durationFlag } from '../flag-values';
import { checkFormat, render, table } from '../output';
import type { RunContext } from '../run-context';

function rootsTable(bundle: TrustBundleInfo): string {
  return table(
    ['ROLE', 'SUBJECT', 'FINGERPRINT (SHA-256)', 'NOT AFTER'],
    bundle.roots.map((r, i) => [
      i === 0 ? 'signing' : 'retiring',
      r.subject,
      r.fingerprint256.slice(0, 16),
      r.notAfter,
    ]),
  );
}

export async function caRootsCommand(ctx: RunContext, flags: { output: string }): Promise<number> {
  const format = checkFormat(flags.output);
  const bundle = await ctx.client().trustBundle();
  if (format === 'json' || format === 'yaml') ctx.out.out(render(format, bundle));
  else ctx.out.out(rootsTable(bundle));
  return EXIT.ok;
}

export async function caRotateCommand(
  ctx: RunContext,
  flags: { overlap?: string; output: string },
): Promise<number> {
  const format = checkFormat(flags.output);
  if (flags.overlap !== undefined) durationFlag(flags.overlap, '--overlap');
  const rotated = await ctx.client().rotateCertificateAuthority(flags.overlap);
  if (format === 'json' || format === 'yaml') {
    ctx.out.out(render(format, rotated));
    return EXIT.ok;
  }
  ctx.out.err(
    `rotated: ${rotated.previousSignerFingerprint.slice(0, 16)} -> ${rotated.signerFingerprint.slice(0, 16)}; ` +
      'control planes push the new bundle and re-issue certificates within their CA poll interval',
  );
  ctx.out.out(rootsTable(rotated.trustBundle));
  return EXIT.ok;
}
