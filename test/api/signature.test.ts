import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeSignature, createNonce, toWireParams } from '../../src/api/signature.js';
import { METHODS, type MethodName } from '../../src/protocol/index.js';
import { REFERENCE_SIGN_ORDER, referenceSignature } from './wire-server.js';

const CALL_API_ID = 'npK5AJe407KnZnn9kqYIL9dMJP7WZIpP01kwNjP6';
const API_KEY = 'eVLAWyB20L32gqpQM2liqGd4GGPJxIW1r8Kw1RNq';
const COMMON = { 'call-api-id': CALL_API_ID, timestamp: '1492799685', nonce: 'p2P6+YLW/Pk4w=' };

/** Parameters of each signed method with every signed parameter filled in. */
const FULL_PARAMS: Record<string, Record<string, string>> = {
  options: { ...COMMON, balance_notify_limit: '5000' },
  balance: { ...COMMON },
  pay: { ...COMMON, amount: '50000', locale: 'en', success_url: 'https://example.com/ok' },
  change_credential: { ...COMMON, admin_email: 'admin@example.com', admin_phone: '79990000001' },
  credential_confirm: { ...COMMON },
  call: { ...COMMON, msisdn: '70000000000', ip_address: '80.80.88.88' },
  'call-status': { ...COMMON, call: 'PR3MaG1orzx9GBXNeoGtEKamYWG17FW6bZ4kNXK5' },
  'call-hangup': { ...COMMON, call: 'PR3MaG1orzx9GBXNeoGtEKamYWG17FW6bZ4kNXK5' },
};

describe('computeSignature', () => {
  it('matches the worked example string for call', () => {
    // The later revision spells out the signed string of `call` without ip_address.
    const signed =
      `call\x00call-api-id\x00${CALL_API_ID}\x00timestamp\x001492799685` +
      `\x00nonce\x00p2P6YLWPk4wOfqKXwBjkXGyO33k\x00msisdn\x0070000000000`;
    const expected = createHmac('sha512', API_KEY).update(signed).digest('hex');
    const params = {
      'call-api-id': CALL_API_ID,
      timestamp: '1492799685',
      nonce: 'p2P6YLWPk4wOfqKXwBjkXGyO33k',
      msisdn: '70000000000',
    };

    expect(computeSignature('call', params, API_KEY)).toBe(expected);
  });

  it.each(Object.keys(FULL_PARAMS))('signs %s in the reference order', (method) => {
    const params = FULL_PARAMS[method] ?? {};
    const signature = computeSignature(method as MethodName, params, API_KEY);

    expect(signature).toMatch(/^[0-9a-f]{128}$/);
    expect(signature).toBe(referenceSignature(method, params, API_KEY));
  });

  it('uses the reference order in the method table', () => {
    for (const [method, order] of Object.entries(REFERENCE_SIGN_ORDER)) {
      expect(METHODS[method as MethodName].signOrder, method).toEqual(order);
    }
  });

  it('depends on the parameter order', () => {
    const params = FULL_PARAMS['call'] ?? {};
    const swapped = createHmac('sha512', API_KEY)
      .update(`call\x00msisdn\x00${params['msisdn']}\x00call-api-id\x00${CALL_API_ID}`)
      .digest('hex');

    expect(computeSignature('call', params, API_KEY)).not.toBe(swapped);
  });

  it('encodes key and values as UTF-8', () => {
    const key = 'ключ-🔑-κλειδί';
    const params = { ...COMMON, admin_email: 'админ@пример.рф', admin_phone: '79990000001' };
    const signed = Buffer.concat([
      Buffer.from('change_credential'),
      Buffer.from(
        `\x00call-api-id\x00${CALL_API_ID}\x00timestamp\x001492799685\x00nonce\x00p2P6+YLW/Pk4w=`,
      ),
      Buffer.from('\x00admin_email\x00'),
      Buffer.from('d0b0d0b4d0bcd0b8d0bd40d0bfd180d0b8d0bcd0b5d1802ed180d184', 'hex'),
      Buffer.from('\x00admin_phone\x0079990000001'),
    ]);
    const expected = createHmac('sha512', Buffer.from(key, 'utf8')).update(signed).digest('hex');

    expect(computeSignature('change_credential', params, key)).toBe(expected);
  });

  it('signs a 0 value', () => {
    const withZero = { ...COMMON, balance_notify_limit: '0' };
    const withoutLimit = { ...COMMON };

    expect(computeSignature('options', withZero, API_KEY)).toBe(
      referenceSignature('options', withZero, API_KEY),
    );
    expect(computeSignature('options', withZero, API_KEY)).not.toBe(
      computeSignature('options', withoutLimit, API_KEY),
    );
  });

  it('leaves an empty optional parameter out', () => {
    const empty = { ...COMMON, msisdn: '70000000000', ip_address: '' };
    const absent = { ...COMMON, msisdn: '70000000000' };

    expect(computeSignature('call', empty, API_KEY)).toBe(
      computeSignature('call', absent, API_KEY),
    );
  });

  it('ignores parameters outside the signing order', () => {
    const params = FULL_PARAMS['pay'] ?? {};
    const withoutUnsigned = { ...COMMON, amount: '50000' };

    expect(computeSignature('pay', params, API_KEY)).toBe(
      computeSignature('pay', withoutUnsigned, API_KEY),
    );
  });
});

describe('toWireParams', () => {
  it('drops null, undefined and empty values', () => {
    expect(toWireParams({ a: null, b: undefined, c: '', d: 'x' })).toEqual({ d: 'x' });
  });

  it('keeps 0 and negative numbers as strings', () => {
    expect(toWireParams({ zero: 0, minus: -1 })).toEqual({ zero: '0', minus: '-1' });
  });
});

describe('createNonce', () => {
  it('returns 20 random bytes in base64', () => {
    const nonce = createNonce();

    expect(nonce).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect(Buffer.from(nonce, 'base64')).toHaveLength(20);
  });

  it('differs between calls', () => {
    const nonces = new Set(Array.from({ length: 100 }, () => createNonce()));

    expect(nonces.size).toBe(100);
  });
});
