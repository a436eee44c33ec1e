import { CALL_STATUS, type CallStatusName } from '../protocol/calls.js';
import { StoreArgumentError, StoreOptionError } from './errors.js';
import type { PendingCall } from './types.js';

/**
 * Longest accepted session key, in characters. express-session ids are 32 characters; the
 * bound keeps a caller-chosen anchor from turning into an oversized Redis key.
 */
export const MAX_SESSION_KEY_LENGTH = 256;

/**
 * Checks a session key. Redis Cluster hashes only the text between the first `{` and the next
 * `}` of a key. A brace inside the session key would move that hash tag, so braces are rejected.
 */
export function validateSessionKey(sessionKey: unknown): asserts sessionKey is string {
  if (typeof sessionKey !== 'string' || sessionKey.length === 0) {
    throw new StoreArgumentError(
      `Invalid session key ${JSON.stringify(sessionKey)}: expected a non-empty string.`,
    );
  }
  if (sessionKey.length > MAX_SESSION_KEY_LENGTH) {
    throw new StoreArgumentError(
      `Invalid session key of ${sessionKey.length} characters: the maximum is ${MAX_SESSION_KEY_LENGTH}.`,
    );
  }
  if (sessionKey.includes('{') || sessionKey.includes('}')) {
    throw new StoreArgumentError(
      `Invalid session key ${JSON.stringify(sessionKey)}: it must not contain '{' or '}', which Redis Cluster reads as a hash tag.`,
    );
  }
}

/** Checks a call id passed to `consume` or `saveStatus`. */
export function validateCallId(callId: unknown): asserts callId is string {
  if (typeof callId !== 'string' || callId.length === 0) {
    throw new StoreArgumentError(
      `Invalid call id ${JSON.stringify(callId)}: expected a non-empty string.`,
    );
  }
}

/** Checks a call status name passed to `saveStatus`. */
export function validateStatus(status: unknown): asserts status is CallStatusName {
  if (typeof status !== 'string' || !Object.hasOwn(CALL_STATUS, status)) {
    throw new StoreArgumentError(
      `Invalid call status ${JSON.stringify(status)}: expected one of ${Object.keys(CALL_STATUS).join(', ')}.`,
    );
  }
}

/** Checks a time in ms since the epoch, such as `now` or `checkedAt`. */
export function validateTime(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new StoreArgumentError(
      `Invalid ${name} ${String(value)}: expected a finite number of ms since the epoch.`,
    );
  }
}

/** Checks the optional typed code length of `takeAttempt`: an integer from 1 to 100. */
export function validateTypedLength(value: unknown): asserts value is number | undefined {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100) {
    throw new StoreArgumentError(
      `Invalid typedLength ${String(value)}: expected an integer from 1 to 100, the number of digits typed, or undefined to skip the length check.`,
    );
  }
}

const REQUIRED_STRINGS = ['callId', 'phone', 'maskPrefix', 'codeHash'] as const;
const REQUIRED_INTEGERS = [
  'codeLength',
  'attemptsLeft',
  'createdAt',
  'expiresAt',
  'repeatAt',
] as const;

/** Checks a pending call before it is stored, so a store never contains a half-filled record. */
export function validatePendingCall(pending: unknown): asserts pending is PendingCall {
  if (typeof pending !== 'object' || pending === null) {
    throw new StoreArgumentError(`Invalid pending call ${String(pending)}: expected an object.`);
  }
  const record = pending as Record<string, unknown>;

  for (const field of REQUIRED_STRINGS) {
    if (typeof record[field] !== 'string') {
      throw new StoreArgumentError(
        `Invalid pending call: ${field} must be a string, got ${typeof record[field]}.`,
      );
    }
  }
  if (record.callId === '') {
    throw new StoreArgumentError('Invalid pending call: callId must not be empty.');
  }

  for (const field of REQUIRED_INTEGERS) {
    const value = record[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new StoreArgumentError(
        `Invalid pending call: ${field} must be an integer >= 0, got ${String(value)}.`,
      );
    }
  }

  if (record.lastStatus !== undefined) validateStatus(record.lastStatus);
  if (record.statusCheckedAt !== undefined) {
    validateTime('pending call statusCheckedAt', record.statusCheckedAt);
  }
  if (record.userKey !== undefined && typeof record.userKey !== 'string') {
    throw new StoreArgumentError(
      `Invalid pending call: userKey must be a string when set, got ${typeof record.userKey}.`,
    );
  }
}

/**
 * Reads an optional numeric option: returns the default when it is undefined, else checks that
 * it is an integer within [min, max].
 */
export function integerOption(
  owner: string,
  name: string,
  value: unknown,
  defaultValue: number,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return defaultValue;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new StoreOptionError(
      `${owner}: invalid ${name} ${String(value)}: expected an integer from ${min} to ${max}. Omit it to use ${defaultValue}.`,
    );
  }
  return value;
}

/** Rejects option names the store does not know, which are usually typos. */
export function rejectUnknownOptions(
  owner: string,
  options: object,
  known: readonly string[],
): void {
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw new StoreOptionError(
        `${owner}: unknown option ${JSON.stringify(name)}. Known options: ${known.join(', ')}.`,
      );
    }
  }
}

/** Checks the options of `createLimiter`, naming the bad field. */
export function validateLimiterOptions(owner: string, options: unknown): void {
  if (typeof options !== 'object' || options === null) {
    throw new StoreOptionError(`${owner}.createLimiter: expected an options object.`);
  }
  const { keyPrefix, points, durationSeconds, blockDurationSeconds } = options as Record<
    string,
    unknown
  >;
  if (typeof keyPrefix !== 'string' || keyPrefix.length === 0) {
    throw new StoreOptionError(
      `${owner}.createLimiter: invalid keyPrefix ${JSON.stringify(keyPrefix)}: expected a non-empty string such as 'phone'.`,
    );
  }
  for (const [name, value] of [
    ['points', points],
    ['durationSeconds', durationSeconds],
  ] as const) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new StoreOptionError(
        `${owner}.createLimiter: invalid ${name} ${String(value)}: expected an integer >= 1.`,
      );
    }
  }
  integerOption(`${owner}.createLimiter`, 'blockDurationSeconds', blockDurationSeconds, 0, 0);
}

/** Checks that an optional clock option has a `now()` method. */
export function validateClock(owner: string, clock: unknown): void {
  if (clock === undefined) return;
  if (
    typeof clock !== 'object' ||
    clock === null ||
    typeof (clock as { now?: unknown }).now !== 'function'
  ) {
    throw new StoreOptionError(
      `${owner}: invalid clock: expected an object with a now() method returning ms since the epoch.`,
    );
  }
}

/** Checks that an optional logger option has `info`, `warn` and `error` methods. */
export function validateLogger(owner: string, logger: unknown): void {
  if (logger === undefined) return;
  const methods = ['info', 'warn', 'error'];
  const valid =
    typeof logger === 'object' &&
    logger !== null &&
    methods.every((method) => typeof (logger as Record<string, unknown>)[method] === 'function');
  if (!valid) {
    throw new StoreOptionError(
      `${owner}: invalid logger: expected an object with info, warn and error methods (pino works).`,
    );
  }
}
