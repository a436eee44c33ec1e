import {
  parsePhoneNumberWithError,
  ParseError,
  validatePhoneNumberLength,
  type CountryCode,
} from 'libphonenumber-js';
import { LoginByCallFlowError } from '../passport/flow-error.js';

/** A number the flow may call: E.164 with `+`, and its country when libphonenumber-js finds one. */
export interface NormalizedPhone {
  e164: string;
  country: CountryCode | undefined;
}

/** Maximum input length read, in characters. Real numbers with spaces and dashes are far shorter. */
const MAX_PHONE_INPUT = 40;

/**
 * Normalizes a typed number to E.164 so that `+7 999 000-00-01`, `8 999 000 00 01` (with
 * default country RU) and `79990000001` are one number for limits and calls. Throws a 400
 * `LoginByCallFlowError` that names the problem.
 */
export function normalizePhone(input: string, defaultCountry?: CountryCode): NormalizedPhone {
  const text = input.trim();
  if (text.length === 0 || text.length > MAX_PHONE_INPUT) throw invalid('Enter a phone number.');

  // Bare digits are read in the default country first, then as international digits.
  const digitsOnly = /^[0-9]+$/.test(text);
  let candidates = [text];
  if (digitsOnly) candidates = defaultCountry ? [text, `+${text}`] : [`+${text}`];
  let problem = 'The phone number is not valid.';
  for (const candidate of candidates) {
    try {
      const parsed = parsePhoneNumberWithError(candidate, defaultCountry);
      if (parsed.isValid()) return { e164: parsed.number, country: parsed.country };
      problem = describeLength(validatePhoneNumberLength(candidate, defaultCountry));
    } catch (error) {
      problem = describeParseError(error);
    }
  }
  throw invalid(problem);
}

function describeLength(problem: string | undefined): string {
  if (problem === 'TOO_SHORT') return 'The phone number is too short.';
  if (problem === 'TOO_LONG') return 'The phone number is too long.';
  return 'The phone number is not valid for its country.';
}

function describeParseError(error: unknown): string {
  if (!(error instanceof ParseError)) return 'The phone number is not valid.';
  switch (error.message) {
    case 'INVALID_COUNTRY':
      return 'The phone number has no country code: start it with + and the country code.';
    case 'TOO_SHORT':
      return 'The phone number is too short.';
    case 'TOO_LONG':
      return 'The phone number is too long.';
    case 'NOT_A_NUMBER':
      return 'The phone number must contain digits.';
    default:
      return 'The phone number is not valid.';
  }
}

function invalid(message: string): LoginByCallFlowError {
  return new LoginByCallFlowError('INVALID_PHONE', 400, message);
}
