import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Hashes the expected code digits with HMAC-SHA256, bound to one session and one call, so a
 * stolen store record reveals neither the digits nor a hash usable for another session. The
 * parts are joined with NUL, which none of them contains. Returns lowercase hex.
 */
export function hashCode(
  secret: Buffer,
  sessionKey: string,
  callId: string,
  digits: string,
): string {
  return createHmac('sha256', secret)
    .update(`${sessionKey}\0${callId}\0${digits}`, 'utf8')
    .digest('hex');
}

/** Compares two hex hashes in constant time; a length mismatch is a mismatch. */
export function hashesEqual(expectedHex: string, actualHex: string): boolean {
  const expected = Buffer.from(expectedHex, 'hex');
  const actual = Buffer.from(actualHex, 'hex');
  if (expected.length === 0 || expected.length !== actual.length) return false;
  return timingSafeEqual(expected, actual);
}
