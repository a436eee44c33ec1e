import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** Placeholder shown for each code digit the user must find. */
const HIDDEN_DIGIT = '·';

/**
 * Formats the known part of the calling number with a dot for each code digit, grouped for
 * reading: a mask prefix `+7925688` with 4 code digits becomes `+7 925 688 ····`.
 *
 * @param {string} maskPrefix Caller number without its last `codeLength` digits, `+` optional.
 * @param {number} codeLength
 * @returns {string}
 */
export function formatMaskedNumber(maskPrefix, codeLength) {
  const known = maskPrefix.replace(/\D/g, '');
  const digits = known + HIDDEN_DIGIT.repeat(codeLength);

  // The country code decides the first group; zeros stand in for the code digits to parse it.
  const parsed = parsePhoneNumberFromString(`+${known}${'0'.repeat(codeLength)}`);
  const countryCode = parsed?.countryCallingCode ?? '';
  if (countryCode === '' || !known.startsWith(countryCode)) {
    return `+${groupDigits(digits)}`;
  }
  return `+${countryCode} ${groupDigits(digits.slice(countryCode.length))}`;
}

/**
 * Splits a national number into groups of three, leaving the last two to four digits together,
 * as in `925 688 1234`.
 *
 * @param {string} digits
 * @returns {string}
 */
function groupDigits(digits) {
  const groups = [];
  let rest = digits;
  while (rest.length > 4) {
    groups.push(rest.slice(0, 3));
    rest = rest.slice(3);
  }
  if (rest !== '') groups.push(rest);
  return groups.join(' ');
}
