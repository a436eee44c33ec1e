import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type { Logger } from '../logger.js';
import { consoleLogger } from '../logger.js';
import type { CallStatusName } from '../protocol/calls.js';
import type { PendingStore } from '../store/types.js';
import { LoginByCallOptionError } from '../api/errors.js';
import type { LoginByCallEvent } from './events.js';
import {
  assertKnownKeys,
  assertObject,
  integerInRange,
  optionalFunction,
  requireMethods,
} from './validate.js';

/**
 * The three API methods the sign-in flow uses. A `LoginByCallClient` satisfies it; the narrow
 * shape keeps the flow independent of the client's account and payment methods.
 */
export interface LoginByCallApi {
  call(params: { msisdn: string; ipAddress?: string }): Promise<{
    callId: string;
    mask: string;
    codeLength: number;
    /** Seconds until the service accepts a new call to the same number. */
    repeatTimeout: number;
  }>;
  callStatus(callId: string): Promise<{ status: CallStatusName | 'unknown' }>;
  callHangup(callId: string): Promise<void>;
}

/**
 * Options shared by `LoginByCallStrategy` and `loginByCall()`. Pass the same object to both so
 * that they agree on the store, the secret and the limits of a code.
 */
export interface LoginByCallCoreOptions {
  /** The API client, usually a `LoginByCallClient`. Required. */
  client: LoginByCallApi;
  /** Store of pending calls and counters: `RedisPendingStore` in production. Required. */
  store: PendingStore;
  /** HMAC-SHA256 key for code hashes, at least 32 bytes. Required. */
  secret: string | Buffer;
  /** Seconds a code is accepted after the call was placed. Default 300, maximum 600. */
  codeTtlSeconds?: number;
  /** Code attempts allowed per call. Default 3, maximum 10. */
  maxAttempts?: number;
  /**
   * Code attempts allowed per number in 86,400 s over all its calls and sessions, counted from
   * the first attempt. A right code gives its attempt back. At the cap, codes for that number
   * are rejected and no new call goes to it until the window ends. Default 10, range 1 to
   * 1000; `false` turns the cap off.
   */
  failedCodesPerPhonePerDay?: number | false;
  /** Time source for expiry. Default: the system clock. */
  clock?: Clock;
  /**
   * Logger for operator-facing problems, such as an empty balance at the service. Default: one
   * console line per message; pass `silentLogger` to turn it off.
   */
  logger?: Logger;
  /** Receives every flow event (never code digits or a full number). Default: none. */
  onEvent?: (event: LoginByCallEvent) => void;
}

/** Core options with every default filled in. */
export interface ResolvedCoreOptions {
  client: LoginByCallApi;
  store: PendingStore;
  secret: Buffer;
  codeTtlSeconds: number;
  maxAttempts: number;
  failedCodesPerPhonePerDay: number | false;
  clock: Clock;
  logger: Logger;
  emit: (event: LoginByCallEvent) => void;
}

export const CORE_OPTION_KEYS = [
  'client',
  'store',
  'secret',
  'codeTtlSeconds',
  'maxAttempts',
  'failedCodesPerPhonePerDay',
  'clock',
  'logger',
  'onEvent',
] as const;

/** Minimum length of `secret` in bytes: as long as the HMAC-SHA256 output. */
export const MIN_SECRET_BYTES = 32;

/**
 * Validates the shared options and fills in defaults. `extraKeys` lists the option names the
 * caller adds on top, so that any other key is reported as unknown.
 */
export function resolveCoreOptions(
  options: unknown,
  owner: string,
  extraKeys: readonly string[],
): ResolvedCoreOptions {
  const input = assertObject(options, owner);
  assertKnownKeys(input, [...CORE_OPTION_KEYS, ...extraKeys], owner);

  const client = input['client'];
  requireMethods(client, 'client', ['call', 'callStatus', 'callHangup'], 'a LoginByCallClient');
  const store = input['store'];
  requireMethods(
    store,
    'store',
    ['get', 'put', 'takeAttempt', 'consume', 'delete', 'saveStatus', 'createLimiter'],
    'a RedisPendingStore or MemoryPendingStore',
  );

  const logger = (input['logger'] as Logger | undefined) ?? consoleLogger;
  if (input['logger'] !== undefined) {
    requireMethods(logger, 'logger', ['info', 'warn', 'error'], 'a pino-style logger');
  }
  const clock = (input['clock'] as Clock | undefined) ?? systemClock;
  if (input['clock'] !== undefined) requireMethods(clock, 'clock', ['now'], 'a Clock');
  const onEvent = optionalFunction(input['onEvent'], 'onEvent');

  return {
    client: client as LoginByCallApi,
    store: store as PendingStore,
    secret: resolveSecret(input['secret']),
    codeTtlSeconds: integerInRange(input['codeTtlSeconds'], 'codeTtlSeconds', 300, 30, 600),
    maxAttempts: integerInRange(input['maxAttempts'], 'maxAttempts', 3, 1, 10),
    failedCodesPerPhonePerDay:
      input['failedCodesPerPhonePerDay'] === false
        ? false
        : integerInRange(
            input['failedCodesPerPhonePerDay'],
            'failedCodesPerPhonePerDay',
            10,
            1,
            1000,
          ),
    clock,
    logger,
    emit: createEmitter(onEvent as ((event: LoginByCallEvent) => void) | undefined, logger),
  };
}

function resolveSecret(value: unknown): Buffer {
  const fix = `pass at least ${MIN_SECRET_BYTES} random bytes, for example crypto.randomBytes(32).toString('hex') kept in your secrets store`;
  if (typeof value !== 'string' && !Buffer.isBuffer(value)) {
    throw new LoginByCallOptionError(
      'secret',
      `Missing or invalid option "secret" (${typeof value}): ${fix}.`,
    );
  }
  const bytes = Buffer.from(value);
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new LoginByCallOptionError(
      'secret',
      `Option "secret" is ${bytes.length} bytes long, shorter than ${MIN_SECRET_BYTES}: ${fix}.`,
    );
  }
  return bytes;
}

/** Wraps the event callback so that a throwing listener never breaks a request. */
function createEmitter(
  onEvent: ((event: LoginByCallEvent) => void) | undefined,
  logger: Logger,
): (event: LoginByCallEvent) => void {
  if (!onEvent) return () => undefined;
  return (event) => {
    try {
      onEvent(event);
    } catch (error) {
      logger.error(
        { event: event.type, error: error instanceof Error ? error.message : String(error) },
        'loginbycall: the onEvent listener threw; the request went on',
      );
    }
  };
}
