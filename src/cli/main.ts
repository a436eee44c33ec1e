import { runCli } from './run.js';

// The bin entry: everything else lives in runCli so that tests can run it in-process.
const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
process.exitCode = code;
