// The crossway executable: runs the CLI on the real process and exits with its code.
import { run } from './cli';

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});
process.exitCode = code;
