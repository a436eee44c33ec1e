import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Computes the HMAC-SHA512 of a request as the reference defines it, keyed with the API key.
 * The input is the method name, then a NUL byte, name, NUL byte and value for each parameter of
 * `signOrder` whose value is not empty, all in UTF-8.
 */
export function computeSignature(
  method: string,
  signOrder: readonly string[],
  params: ReadonlyMap<string, string>,
  apiKey: string,
): Buffer {
  const hmac = createHmac('sha512', Buffer.from(apiKey, 'utf8'));
  hmac.update(Buffer.from(method, 'utf8'));
  const separator = Buffer.from([0]);
  for (const name of signOrder) {
    const value = params.get(name);
    if (value === undefined || value === '') continue;
    hmac.update(separator).update(Buffer.from(name, 'utf8'));
    hmac.update(separator).update(Buffer.from(value, 'utf8'));
  }
  return hmac.digest();
}

/** Compares a hex signature from a request with the expected digest in constant time. */
export function signatureMatches(providedHex: string, expected: Buffer): boolean {
  if (!/^[0-9a-fA-F]*$/.test(providedHex) || providedHex.length !== expected.length * 2) {
    return false;
  }
  return timingSafeEqual(Buffer.from(providedHex, 'hex'), expected);
}
