import type { PendingCall } from './types.js';
import { StoreDataError } from './errors.js';
import { validatePendingCall } from './validate.js';

/*
 * A pending call is stored as a Redis hash, one field per property, rather than as a JSON
 * string. The Lua scripts then change single fields (HINCRBY attemptsLeft, HSET lastStatus)
 * without decoding and re-encoding the record, and times in ms since the epoch never pass
 * through Lua's cjson, which prints numbers with 14 significant digits only.
 */

const NUMBER_FIELDS = [
  'codeLength',
  'attemptsLeft',
  'createdAt',
  'expiresAt',
  'repeatAt',
  'statusCheckedAt',
] as const;
const STRING_FIELDS = [
  'callId',
  'phone',
  'maskPrefix',
  'codeHash',
  'lastStatus',
  'userKey',
] as const;

/** Flattens a pending call into HSET field/value arguments, leaving out absent optional fields. */
export function encodePendingCall(pending: PendingCall): string[] {
  const args: string[] = [];
  for (const field of [...STRING_FIELDS, ...NUMBER_FIELDS]) {
    const value = pending[field];
    if (value !== undefined) args.push(field, String(value));
  }
  return args;
}

/** Converts the flat [field, value, ...] reply of HGETALL inside a script into an object. */
export function pairsToObject(pairs: unknown): Record<string, string> {
  if (!Array.isArray(pairs) || pairs.length % 2 !== 0) {
    throw new StoreDataError(`Unexpected reply from Redis: expected field/value pairs.`);
  }
  const fields: Record<string, string> = {};
  for (let i = 0; i < pairs.length; i += 2) {
    fields[String(pairs[i])] = String(pairs[i + 1]);
  }
  return fields;
}

/**
 * Rebuilds a pending call from its hash fields. Returns null for an empty hash, which is how
 * Redis reports a missing key.
 */
export function decodePendingCall(key: string, fields: Record<string, string>): PendingCall | null {
  if (Object.keys(fields).length === 0) return null;

  const record: Record<string, string | number> = {};
  for (const field of STRING_FIELDS) {
    const value = fields[field];
    if (value !== undefined) record[field] = value;
  }
  for (const field of NUMBER_FIELDS) {
    const value = fields[field];
    if (value !== undefined) record[field] = Number(value);
  }

  try {
    validatePendingCall(record);
  } catch (error) {
    throw new StoreDataError(
      `The pending call at Redis key ${key} is damaged (${(error as Error).message}). Delete the key; the user then starts a new call.`,
    );
  }
  return record;
}
