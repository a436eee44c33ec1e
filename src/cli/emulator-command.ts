/**
 * `loginbycall emulator`: starts the local LoginByCall emulator and keeps it running until
 * SIGINT or SIGTERM.
 */

export const EMULATOR_USAGE = `Usage: loginbycall emulator [options]

Options:
  --host HOST            address to listen on (default 127.0.0.1)
  --port PORT            port to listen on, 0 for any free port (default 8808)
  --call-api-id ID       call-api-id of the development account (or LOGINBYCALL_CALL_API_ID)
  --api-key KEY          API key of the development account (or LOGINBYCALL_API_KEY)
  --codelen N            digits of the code in the caller number, 1..8 (default 4)
  --repeat-timeout S     seconds before the same number may be called again (default 30)
  --balance CREDITS      starting balance in credits, 10,000 credits = 1 USD
  --queue-seconds S      seconds a call stays queued before it rings (default 1)
  --ring-seconds S       seconds a phone rings before the call ends unanswered (default 30)
  --allow-unsigned       accept requests of the development account without a signature
  --help                 print this help
`;

/**
 * Runs the `emulator` command. Resolves with the process exit code: 0 after a clean shutdown,
 * 2 on bad usage.
 */
export async function runEmulatorCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  void argv;
  void env;
  // TODO: start the emulator.
  await Promise.resolve();
  process.stderr.write(EMULATOR_USAGE);
  return 2;
}
