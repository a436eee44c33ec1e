import { createHmac, randomBytes } from 'node:crypto';
import { METHODS, type MethodName } from '../protocol/index.js';

/** Wire parameters after empty values were dropped: every value is a string. */
export type WireParams = Record<string, string>;

/** A parameter value as callers pass it. null, undefined and '' mean "not sent". */
export type ParamValue = string | number | null | undefined;

const NUL = Buffer.from([0]);

/**
 * Drops null, undefined and '' and turns the rest into strings. The service leaves empty
 * parameters out of the signature, so they are left out of the request too; `0` is a value.
 */
export function toWireParams(params: Record<string, ParamValue>): WireParams {
  const wire: WireParams = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '') continue;
    wire[name] = String(value);
  }
  return wire;
}

/**
 * Computes the request signature: HMAC-SHA512 keyed with the api-key, over the method name and
 * then, for each parameter of the method's signing order that has a value, NUL, the name, NUL
 * and the value, all UTF-8. Returns lowercase hex.
 */
export function computeSignature(method: MethodName, params: WireParams, apiKey: string): string {
  const hmac = createHmac('sha512', Buffer.from(apiKey, 'utf8'));
  hmac.update(Buffer.from(method, 'utf8'));

  for (const name of METHODS[method].signOrder) {
    const value = params[name];
    if (value === undefined || value === '') continue;
    hmac.update(NUL).update(Buffer.from(name, 'utf8'));
    hmac.update(NUL).update(Buffer.from(value, 'utf8'));
  }

  return hmac.digest('hex');
}

/** Creates a nonce: 20 random bytes in standard base64, so it may contain `+`, `/` and `=`. */
export function createNonce(): string {
  return randomBytes(20).toString('base64');
}
