import { runCli } from './run.js';

// A reader that closes the pipe early, as `| head` does, wants no more output, which is no
// failure of the command. Other stream errors still end the process with their stack.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

// The bin entry: everything else lives in runCli so that tests can run it in-process.
const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
process.exitCode = code;
