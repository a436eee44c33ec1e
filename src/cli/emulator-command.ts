import { parseArgs } from 'node:util';
import { createEmulator } from '../emulator/create-emulator.js';
import { EmulatorOptionError } from '../emulator/option-error.js';
import type { EmulatorOptions } from '../emulator/options.js';
import { SCENARIO_NUMBERS } from '../emulator/scenarios.js';

/**
 * `loginbycall emulator`: starts the local LoginByCall emulator and keeps it running until
 * SIGINT or SIGTERM.
 */

export const EMULATOR_USAGE = `Usage: loginbycall emulator [options]

Starts a local LoginByCall API with one active development account.

Options:
  --host HOST            address to listen on (default 127.0.0.1)
  --port PORT            port to listen on, 0 for any free port (default 8808)
  --call-api-id ID       call-api-id of the development account
                         (default LOGINBYCALL_CALL_API_ID, else a random one)
  --api-key KEY          API key of the development account
                         (default LOGINBYCALL_API_KEY, else a random one)
  --codelen N            digits of the code at the end of the caller number, 1..8 (default 4)
  --repeat-timeout S     seconds before the same number may be called again (default 30)
  --balance CREDITS      starting balance in credits, 10,000 credits = 1 USD (default 1000000)
  --queue-seconds S      seconds a call stays queued before the phone rings (default 1)
  --ring-seconds S       seconds a phone rings before the call ends unanswered (default 30)
  --verify-interval S    seconds between checks of the verify_url of accounts not yet
                         activated, 0 for none (default 600)
  --allow-unsigned       accept requests of the development account without a signature
  --quiet                write no line per placed call; failures are still written
  --help                 print this help
`;

/** Output streams of the command, and an optional signal that stops it like SIGINT does. */
export interface EmulatorCommandIo {
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
  signal?: AbortSignal;
}

const DEFAULT_PORT = 8808;

/** The flag, and variable where there is one, behind each option of createEmulator. */
const OPTION_SOURCES: Record<string, string> = {
  callApiId: '--call-api-id or LOGINBYCALL_CALL_API_ID',
  apiKey: '--api-key or LOGINBYCALL_API_KEY',
  codeLength: '--codelen',
  repeatTimeout: '--repeat-timeout',
  balance: '--balance',
  queueSeconds: '--queue-seconds',
  ringSeconds: '--ring-seconds',
  verifyIntervalSeconds: '--verify-interval',
};

/**
 * Runs the `emulator` command. Resolves with the process exit code: 0 after a clean shutdown
 * on SIGINT or SIGTERM, 1 when the server cannot start, 2 on bad usage.
 */
export async function runEmulatorCommand(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: EmulatorCommandIo = {},
): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;

  let parsed: { options: EmulatorOptions; host: string; port: number } | 'help';
  try {
    parsed = parseCommandLine(argv, env);
  } catch (error) {
    stderr.write(`loginbycall emulator: ${(error as Error).message}\n\n${EMULATOR_USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    stdout.write(EMULATOR_USAGE);
    return 0;
  }

  let emulator;
  try {
    emulator = createEmulator(parsed.options);
  } catch (error) {
    if (!(error instanceof EmulatorOptionError)) throw error;
    // The message names the createEmulator option, which the user set through a flag.
    const source = OPTION_SOURCES[error.option];
    const note = source === undefined ? '' : ` (set by ${source})`;
    stderr.write(`loginbycall emulator: ${error.message}${note}\n\n${EMULATOR_USAGE}`);
    return 2;
  }

  let address;
  try {
    address = await emulator.listen({ host: parsed.host, port: parsed.port });
  } catch (error) {
    await emulator.close();
    stderr.write(
      `loginbycall emulator: failed to listen on ${parsed.host}:${parsed.port}: ${(error as Error).message}\n`,
    );
    return 1;
  }

  stdout.write(
    [
      `LoginByCall emulator listening on ${address.url}`,
      `API URL:      ${address.apiUrl}`,
      `call-api-id:  ${emulator.account.callApiId}`,
      `api-key:      ${emulator.account.apiKey}`,
      `Phone page:   ${address.url}/emulator/phone/<msisdn>, for example ${address.url}/emulator/phone/${SCENARIO_NUMBERS.answered}`,
      `Calls (JSON): ${address.url}/emulator/calls`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );

  await waitForStop(io.signal);
  await emulator.close();
  stdout.write('LoginByCall emulator stopped\n');
  return 0;
}

function parseCommandLine(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { options: EmulatorOptions; host: string; port: number } | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'call-api-id': { type: 'string' },
      'api-key': { type: 'string' },
      codelen: { type: 'string' },
      'repeat-timeout': { type: 'string' },
      balance: { type: 'string' },
      'queue-seconds': { type: 'string' },
      'ring-seconds': { type: 'string' },
      'verify-interval': { type: 'string' },
      'allow-unsigned': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new Error(`unexpected argument ${positionals[0]}`);

  const options: EmulatorOptions = {};
  const callApiId = values['call-api-id'] ?? (env.LOGINBYCALL_CALL_API_ID || undefined);
  const apiKey = values['api-key'] ?? (env.LOGINBYCALL_API_KEY || undefined);
  if (callApiId !== undefined) options.callApiId = callApiId;
  if (apiKey !== undefined) options.apiKey = apiKey;
  if (values['allow-unsigned']) options.allowUnsigned = true;
  if (values.quiet) options.logCalls = false;

  const numeric: Array<[keyof typeof values, keyof EmulatorOptions]> = [
    ['codelen', 'codeLength'],
    ['repeat-timeout', 'repeatTimeout'],
    ['balance', 'balance'],
    ['queue-seconds', 'queueSeconds'],
    ['ring-seconds', 'ringSeconds'],
    ['verify-interval', 'verifyIntervalSeconds'],
  ];
  for (const [flag, option] of numeric) {
    const text = values[flag];
    if (typeof text === 'string')
      (options as Record<string, number>)[option] = parseNumber(flag, text);
  }

  const port = values.port === undefined ? DEFAULT_PORT : parseNumber('port', values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`invalid --port ${values.port}: pass an integer from 0 to 65535`);
  }
  return { options, host: values.host ?? '127.0.0.1', port };
}

function parseNumber(flag: string, text: string): number {
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value))
    throw new Error(`invalid --${flag} ${JSON.stringify(text)}: pass a number`);
  return value;
}

/** Resolves on SIGINT, SIGTERM or the abort of `signal`, and removes its listeners. */
function waitForStop(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
}
