import type { MethodName } from '../protocol/index.js';
import { LoginByCallArgumentError } from './errors.js';

/*
 * Checks of method arguments, run before anything is sent. Each returns the value to send, or
 * undefined for an optional argument that was left out.
 */

interface Optionality {
  optional?: boolean;
}

export function checkText(
  method: MethodName,
  argument: string,
  value: unknown,
  { optional = false }: Optionality = {},
): string | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw new LoginByCallArgumentError(
    method,
    argument,
    `${method}: ${argument} must be a non-empty string, got ${describe(value)}`,
  );
}

/**
 * Checks a phone number in E.164 without `+`: 6 to 15 digits, not starting with 0.
 * NOTE: E.164 fixes the maximum of 15; the minimum of 6 is a guess that admits short national
 * plans, since the reference names no minimum.
 */
export function checkMsisdn(value: unknown): string {
  if (typeof value === 'string' && /^[1-9]\d{5,14}$/.test(value)) return value;
  // Only the length is shown: the value may be a full phone number.
  const safeDescription =
    typeof value === 'string' ? `a string of length ${value.length}` : describe(value);
  throw new LoginByCallArgumentError(
    'call',
    'msisdn',
    `call: msisdn must be 6 to 15 digits in E.164 without "+" (for example 79990000001), got ${safeDescription}`,
  );
}

export function checkCallId(method: MethodName, value: unknown): string {
  return checkText(method, 'callId', value) as string;
}

export function checkPositiveInteger(method: MethodName, argument: string, value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  throw new LoginByCallArgumentError(
    method,
    argument,
    `${method}: ${argument} must be a positive integer number of credits, got ${describe(value)}`,
  );
}

/** Checks a balance in credits below which e-mails are sent: an integer >= 0, or -1 for none. */
export function checkBalanceNotifyLimit(
  method: MethodName,
  value: unknown,
  { optional = false }: Optionality = {},
): number | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= -1) return value;
  throw new LoginByCallArgumentError(
    method,
    'balanceNotifyLimit',
    `${method}: balanceNotifyLimit must be an integer number of credits >= 0, or -1 for no ` +
      `e-mails, got ${describe(value)}`,
  );
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}
