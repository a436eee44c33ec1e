import { randomUUID } from 'node:crypto';
import { constants, readFileSync } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LoginByCallClient } from '../api/client.js';
import { decodePay } from '../api/decode.js';
import {
  LoginByCallArgumentError,
  LoginByCallError,
  LoginByCallOptionError,
  LoginByCallTransportError,
} from '../api/errors.js';
import { TRANSPORTS, type Transport } from '../api/encode.js';
import type { LoginByCallClientOptions } from '../api/options.js';
import { renderPaymentPage } from '../api/payment-form.js';
import { API_COMMANDS, type ApiCommand } from './commands.js';
import { GLOBAL_FLAGS, integerFlag, stringFlag, type FlagSpec, type FlagValues } from './flags.js';
import { formatCredits } from './format.js';
import { commandUsage, topUsage } from './usage.js';
import { UsageError } from './usage-error.js';

/** Maximum --timeout, in ms: the client's limit for timeoutMs. */
const MAX_TIMEOUT_MS = 600_000;

/** The flag and variable behind each client option that the CLI sets. */
const OPTION_SOURCES: Record<string, string> = {
  callApiId: '--call-api-id or LOGINBYCALL_CALL_API_ID',
  apiKey: '--api-key or LOGINBYCALL_API_KEY',
  apiUrl: '--api-url or LOGINBYCALL_API_URL',
  transport: '--transport',
  timeoutMs: '--timeout',
};

/** Environment and output streams of one CLI run. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/**
 * Runs the `loginbycall` command line and resolves with the exit code: 0 on success, 1 when
 * the service returns an error or cannot be reached or the payment page cannot be written, 2 on
 * bad usage.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;

  if (name === undefined) {
    io.stderr.write(topUsage());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    // `loginbycall help call` prints the help of one command, as `loginbycall call --help` does.
    const topic = rest[0];
    if (topic === 'emulator') {
      const { EMULATOR_USAGE } = await import('./emulator-command.js');
      io.stdout.write(EMULATOR_USAGE);
    } else {
      io.stdout.write(
        topic !== undefined && API_COMMANDS[topic] ? commandUsage(topic) : topUsage(),
      );
    }
    return 0;
  }
  if (name === '--version') {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (name === 'emulator') {
    const { runEmulatorCommand } = await import('./emulator-command.js');
    return runEmulatorCommand(rest, io.env);
  }

  const command = API_COMMANDS[name];
  if (command === undefined) {
    io.stderr.write(`loginbycall: unknown command ${JSON.stringify(name)}\n\n${topUsage()}`);
    return 2;
  }

  try {
    return await runApiCommand(name, command, rest, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof LoginByCallArgumentError) {
      io.stderr.write(`loginbycall ${name}: ${error.message}\n\n${commandUsage(name)}`);
      return 2;
    }
    if (error instanceof LoginByCallOptionError) {
      // The message names the client option, which the user set through a flag or a variable.
      const source = OPTION_SOURCES[error.option];
      const note = source === undefined ? '' : ` (set by ${source})`;
      io.stderr.write(`loginbycall ${name}: ${error.message}${note}\n\n${commandUsage(name)}`);
      return 2;
    }
    if (error instanceof LoginByCallError) {
      const reason = error.reason === undefined ? '' : `: ${error.reason}`;
      const delay = error.delaySeconds === undefined ? '' : ` (retry in ${error.delaySeconds} s)`;
      io.stderr.write(
        `loginbycall ${name}: ${error.code}${reason}${delay}${requestIdNote(error)}\n`,
      );
      return 1;
    }
    if (error instanceof LoginByCallTransportError) {
      io.stderr.write(
        `loginbycall ${name}: ${error.code}: ${error.message}${requestIdNote(error)}\n`,
      );
      return 1;
    }
    throw error;
  }
}

async function runApiCommand(
  name: string,
  command: ApiCommand,
  argv: string[],
  io: CliIo,
): Promise<number> {
  const values = parseFlags(argv, command.flags);
  if (values['help'] === true) {
    io.stdout.write(commandUsage(name));
    return 0;
  }

  const options = clientOptions(values, io.env, command.needsAccount);
  const params = command.params(values);
  // pay opens a payment at the service, so an --out path that cannot be written fails first.
  const payPagePath = command.method === 'pay' ? await checkedPayPagePath(values) : undefined;
  const client = new LoginByCallClient(options);

  try {
    const body = await client.request(command.method, params);
    if (values['json'] === true) io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);

    if (payPagePath !== undefined) {
      return await writePaymentPage(body, payPagePath, values, io);
    } else if (values['json'] !== true && command.format !== undefined) {
      io.stdout.write(`${command.format(body, values)}\n`);
    }
    return 0;
  } finally {
    await client.close();
  }
}

function parseFlags(argv: string[], own: Record<string, FlagSpec>): FlagValues {
  const options = Object.fromEntries(
    Object.entries({ ...GLOBAL_FLAGS, ...own }).map(([name, spec]) => [
      name,
      name === 'help' ? { type: spec.type, short: 'h' } : { type: spec.type },
    ]),
  );
  try {
    const args = joinNegativeValues(argv, options);
    const { values, tokens } = parseArgs({
      args,
      options,
      strict: true,
      allowPositionals: false,
      tokens: true,
    });
    rejectRepeatedFlags(tokens);
    return values as FlagValues;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // parseArgs messages name the flag, for example "Unknown option '--foo'".
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Rejects a flag given twice. parseArgs keeps the last value, so `call --msisdn A --msisdn B`
 * would call B without a word, and a call costs money.
 */
function rejectRepeatedFlags(tokens: ReadonlyArray<{ kind: string; name?: string }>): void {
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined) continue;
    if (seen.has(token.name)) {
      throw new UsageError(`--${token.name} was given more than once: pass it once`);
    }
    seen.add(token.name);
  }
}

/**
 * Rewrites `--flag -1` as `--flag=-1` for string flags, because parseArgs takes a value that
 * starts with a dash only in the `=` form, and -1 is a documented balance notify limit.
 */
function joinNegativeValues(argv: string[], options: Record<string, { type: string }>): string[] {
  const result: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    const next = argv[i + 1];
    const isStringFlag = token.startsWith('--') && options[token.slice(2)]?.type === 'string';
    if (isStringFlag && next !== undefined && /^-\d+$/.test(next)) {
      result.push(`${token}=${next}`);
      i++;
    } else {
      result.push(token);
    }
  }
  return result;
}

/** Builds client options from flags, falling back to LOGINBYCALL_* variables. */
function clientOptions(
  values: FlagValues,
  env: NodeJS.ProcessEnv,
  needsAccount: boolean,
): LoginByCallClientOptions {
  const callApiId = stringFlag(values, 'call-api-id') ?? nonEmpty(env['LOGINBYCALL_CALL_API_ID']);
  if (needsAccount && callApiId === undefined) {
    throw new UsageError('missing --call-api-id (or set LOGINBYCALL_CALL_API_ID)');
  }

  const transport = stringFlag(values, 'transport') ?? 'form';
  if (!(TRANSPORTS as readonly string[]).includes(transport)) {
    throw new UsageError(
      `invalid --transport ${JSON.stringify(transport)}: use one of ${TRANSPORTS.join(', ')}`,
    );
  }

  return {
    callApiId,
    apiKey: stringFlag(values, 'api-key') ?? nonEmpty(env['LOGINBYCALL_API_KEY']),
    apiUrl: stringFlag(values, 'api-url') ?? nonEmpty(env['LOGINBYCALL_API_URL']),
    transport: transport as Transport,
    paramsJson: values['params-json'] === true,
    signatureHeader: values['signature-header'] === true,
    timeoutMs: integerFlag(values, 'timeout', { min: 1, max: MAX_TIMEOUT_MS }),
  };
}

/** Resolves the path of the payment page and checks that its folder exists and is writable. */
async function checkedPayPagePath(values: FlagValues): Promise<string> {
  const out = stringFlag(values, 'out');
  const path = resolve(out ?? join(tmpdir(), `loginbycall-pay-${randomUUID()}.html`));
  try {
    await access(dirname(path), constants.W_OK);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(
      `invalid --out ${JSON.stringify(out ?? path)}: cannot write to the folder ${dirname(path)} (${reason}): pass a file path in a folder that exists and you can write to`,
    );
  }
  return path;
}

async function writePaymentPage(
  body: Record<string, unknown>,
  path: string,
  values: FlagValues,
  io: CliIo,
): Promise<number> {
  const page = renderPaymentPage(decodePay(body));
  try {
    await writeFile(path, page, { mode: 0o600 });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    io.stderr.write(
      `loginbycall pay: failed to write the payment page to ${path} (${reason}): pass --out with the path of a new file\n`,
    );
    return 1;
  }

  const amount = integerFlag(values, 'amount', { min: 1, required: true });
  // With --json, stdout carries only the JSON, so the path goes to stderr.
  const target = values['json'] === true ? io.stderr : io.stdout;
  target.write(`payment form for ${formatCredits(amount)} written to ${path}\n`);
  if (values['json'] !== true)
    target.write('Open it in a browser to continue to the payment page.\n');
  return 0;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function requestIdNote(error: { requestId?: string }): string {
  return error.requestId === undefined ? '' : ` [request id ${error.requestId}]`;
}

/** The package version, read from package.json two folders above this module. */
function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
