import { describe, expect, it } from 'vitest';
import { normalizePhone } from '../../src/express/phone.js';
import { LoginByCallFlowError } from '../../src/passport/flow-error.js';

describe('normalizePhone', () => {
  it.each([
    ['+7 999 000-00-01', undefined],
    ['+7 (999) 000-00-01', 'RU'],
    ['8 999 000 00 01', 'RU'],
    ['89990000001', 'RU'],
    ['79990000001', undefined],
    ['79990000001', 'RU'],
    ['9990000001', 'RU'],
  ] as const)('reads %s (country %s) as +79990000001', (input, country) => {
    expect(normalizePhone(input, country).e164).toBe('+79990000001');
  });

  it('keeps a national number in the default country', () => {
    expect(normalizePhone('4951234567', 'RU').e164).toBe('+74951234567');
  });

  it('reports the country of the number', () => {
    expect(normalizePhone('+1 202 555 0143').country).toBe('US');
  });

  it.each([
    ['', 'Enter a phone number.'],
    ['12', 'The phone number is too short.'],
    ['abc', 'The phone number must contain digits.'],
    ['+7 999', 'The phone number is too short.'],
    ['+7 999 000 00 01 99 99', 'The phone number is not valid for its country.'],
    ['+7 999 000 00 01 99 99 99 99 9', 'The phone number is too long.'],
    [
      '8 999 000 00 01',
      'The phone number has no country code: start it with + and the country code.',
    ],
    ['1'.repeat(41), 'Enter a phone number.'],
  ])('rejects %j with a message', (input, message) => {
    let caught: unknown;
    try {
      normalizePhone(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LoginByCallFlowError);
    expect((caught as LoginByCallFlowError).status).toBe(400);
    expect((caught as LoginByCallFlowError).code).toBe('INVALID_PHONE');
    expect((caught as LoginByCallFlowError).message).toBe(message);
  });
});
