import { randomBytes, randomFillSync } from 'node:crypto';
import { systemClock, type Clock } from '../clock.js';
import { consoleLogger, isLogger, type Logger } from '../logger.js';
import { EmulatorOptionError } from './option-error.js';

/** Options of {@link createEmulator}. Every field is optional. */
export interface EmulatorOptions {
  /** call-api-id of the development account, which exists and is active from the start. Default: random 40 characters. */
  callApiId?: string;
  /** API key of the development account. Default: random 40 characters. */
  apiKey?: string;
  /** Starting balance of the development account, in credits (10,000 credits = 1 USD). Default: 1,000,000. */
  balance?: number;
  /** Whether the development account may call `account`-signed methods without a signature. Default: false. */
  allowUnsigned?: boolean;
  /** Digits of the code at the end of each caller number, 1..8. Default: 4. */
  codeLength?: number;
  /** Seconds before `call` accepts the same msisdn and ip_address again. Default: 30. */
  repeatTimeout?: number;
  /** Seconds a call stays queued before the phone rings. Default: 1. */
  queueSeconds?: number;
  /** Seconds a phone rings before the call ends as `notanswered`. Default: 30. */
  ringSeconds?: number;
  /** Credits taken for each charged call. Default: 100 (1 US cent). */
  callPrice?: number;
  /** Time source of call life cycles, timestamps and expiry. Default: the system clock. */
  clock?: Clock;
  /** Destination of log lines about placed calls, issued keys and failures. Default: one console line each. */
  logger?: Logger;
  /**
   * Whether each placed call writes an info line with the called and the caller number. Turn it
   * off for load tests; failures and issued keys are still logged. Default: true.
   */
  logCalls?: boolean;
  /**
   * Seconds between domain checks of accounts that are not activated yet, as the English
   * revision of the service does every 10 minutes; 0 turns the check off. Default: 600.
   */
  verifyIntervalSeconds?: number;
}

/** Options with every default filled in. */
export interface EmulatorConfig {
  callApiId: string;
  apiKey: string;
  balance: number;
  allowUnsigned: boolean;
  codeLength: number;
  repeatTimeout: number;
  queueSeconds: number;
  ringSeconds: number;
  callPrice: number;
  clock: Clock;
  logger: Logger;
  logCalls: boolean;
  verifyIntervalSeconds: number;
}

const KNOWN_OPTIONS = new Set([
  'callApiId',
  'apiKey',
  'balance',
  'allowUnsigned',
  'codeLength',
  'repeatTimeout',
  'queueSeconds',
  'ringSeconds',
  'callPrice',
  'clock',
  'logger',
  'logCalls',
  'verifyIntervalSeconds',
]);

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Random bytes from crypto.randomFillSync, refilled 4 KiB at a time and each byte handed out
 * once. One randomBytes call per call id took 4 to 9 µs on a 2-vCPU VM, a draw from this buffer
 * about 0.3 µs.
 */
const randomPool = Buffer.alloc(4096);
let randomPoolOffset = randomPool.length;

function takeRandomBytes(count: number): Buffer {
  if (count > randomPool.length) return randomBytes(count);
  if (randomPoolOffset + count > randomPool.length) {
    randomFillSync(randomPool);
    randomPoolOffset = 0;
  }
  const bytes = randomPool.subarray(randomPoolOffset, randomPoolOffset + count);
  randomPoolOffset += count;
  return bytes;
}

/** Returns a random token of letters and digits, like the service's call-api-ids and call ids. */
export function randomToken(length = 40): string {
  const bytes = takeRandomBytes(length * 2);
  let token = '';
  // 248 is the largest multiple of 62 below 256, so skipping larger bytes keeps the draw uniform.
  for (const byte of bytes) {
    if (byte >= 248) continue;
    token += ID_ALPHABET[byte % ID_ALPHABET.length];
    if (token.length === length) return token;
  }
  return token + randomToken(length - token.length);
}

/** Validates the options and fills in the defaults. Throws EmulatorOptionError on a bad value. */
export function resolveEmulatorOptions(options: EmulatorOptions = {}): EmulatorConfig {
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) {
      throw new EmulatorOptionError(
        name,
        undefined,
        `remove it; known options are ${[...KNOWN_OPTIONS].join(', ')}`,
      );
    }
  }

  return {
    callApiId: credentialOption('callApiId', options.callApiId),
    apiKey: credentialOption('apiKey', options.apiKey),
    balance: numberOption('balance', options.balance, 1_000_000, { min: 0, integer: true }),
    allowUnsigned: booleanOption('allowUnsigned', options.allowUnsigned, false),
    codeLength: numberOption('codeLength', options.codeLength, 4, {
      min: 1,
      max: 8,
      integer: true,
    }),
    repeatTimeout: numberOption('repeatTimeout', options.repeatTimeout, 30, { min: 0 }),
    queueSeconds: numberOption('queueSeconds', options.queueSeconds, 1, { min: 0 }),
    ringSeconds: numberOption('ringSeconds', options.ringSeconds, 30, { min: 1 }),
    callPrice: numberOption('callPrice', options.callPrice, 100, { min: 0, integer: true }),
    clock: clockOption(options.clock),
    logger: loggerOption(options.logger),
    logCalls: booleanOption('logCalls', options.logCalls, true),
    verifyIntervalSeconds: numberOption(
      'verifyIntervalSeconds',
      options.verifyIntervalSeconds,
      600,
      {
        min: 0,
      },
    ),
  };
}

function credentialOption(name: string, value: unknown): string {
  if (value === undefined) return randomToken();
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(value)) {
    throw new EmulatorOptionError(
      name,
      value,
      'pass 1..128 printable ASCII characters without spaces, or leave it out to get a random one',
      name === 'apiKey',
    );
  }
  return value;
}

function numberOption(
  name: string,
  value: unknown,
  fallback: number,
  limits: { min: number; max?: number; integer?: boolean },
): number {
  if (value === undefined) return fallback;
  const kind = limits.integer ? 'an integer' : 'a number';
  const range =
    limits.max === undefined ? `>= ${limits.min}` : `from ${limits.min} to ${limits.max}`;
  const valid =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= limits.min &&
    (limits.max === undefined || value <= limits.max) &&
    (!limits.integer || Number.isInteger(value));
  if (!valid) throw new EmulatorOptionError(name, value, `pass ${kind} ${range}`);
  return value;
}

function booleanOption(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new EmulatorOptionError(name, value, 'pass true or false');
  return value;
}

function clockOption(value: unknown): Clock {
  if (value === undefined) return systemClock;
  if (typeof value !== 'object' || value === null || typeof (value as Clock).now !== 'function') {
    throw new EmulatorOptionError(
      'clock',
      value,
      'pass an object with a now() method returning ms since the epoch, such as a ManualClock',
    );
  }
  return value as Clock;
}

function loggerOption(value: unknown): Logger {
  if (value === undefined) return consoleLogger;
  if (!isLogger(value)) {
    throw new EmulatorOptionError(
      'logger',
      value,
      'pass an object with info, warn and error methods, such as a pino logger',
    );
  }
  return value;
}
