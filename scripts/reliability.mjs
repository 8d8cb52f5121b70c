#!/usr/bin/env node
// `npm run test:reliability [-- --long] [--soak-minutes N] [--fuzz-bodies N] [file filters]`
// Runs the reliability suite (reliability/test) with vitest, one file at a time; each
// scenario starts its own etcd and Crossway processes. The quick form is what CI runs;
// --long runs the longer variants. Afterwards it prints the figures every scenario
// wrote to tmp/reliability/figures/.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const figuresDir = join(root, 'tmp', 'reliability', 'figures');
const env = { ...process.env };
const filters = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  const value = () => {
    const next = args[++i];
    if (next === undefined || !/^\d+(\.\d+)?$/.test(next)) {
      console.error(`reliability: ${arg} needs a number`);
      process.exit(2);
    }
    return next;
  };
  if (arg === '--long') env.RELIABILITY_MODE = 'long';
  else if (arg === '--quick') env.RELIABILITY_MODE = 'quick';
  else if (arg === '--soak-minutes') env.RELIABILITY_SOAK_MINUTES = value();
  else if (arg === '--fuzz-bodies') env.RELIABILITY_FUZZ_BODIES = value();
  else if (arg === '--cp-kills') env.RELIABILITY_CP_KILLS = value();
  else if (arg.startsWith('--')) {
    console.error(
      `reliability: unknown flag ${arg} (--long, --quick, --soak-minutes N, --fuzz-bodies N, --cp-kills N)`,
    );
    process.exit(2);
  } else filters.push(arg);
}

rmSync(figuresDir, { recursive: true, force: true });
// Run from reliability/, so its test report is tmp/test-results/reliability.json.
const child = spawn('npx', ['vitest', 'run', '--config', 'vitest.config.ts', ...filters], {
  cwd: join(root, 'reliability'),
  env,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (existsSync(figuresDir)) {
    console.log(`\nreliability figures (${env.RELIABILITY_MODE ?? 'quick'} form):`);
    for (const file of readdirSync(figuresDir).sort()) {
      const figures = JSON.parse(readFileSync(join(figuresDir, file), 'utf8'));
      console.log(`  ${file.replace(/\.json$/, '')}: ${JSON.stringify(figures)}`);
    }
  }
  process.exit(code ?? (signal ? 1 : 0));
});
