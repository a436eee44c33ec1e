import { randomInt } from 'node:crypto';

/**
 * Caller numbers the emulator calls from: Russian landline numbers of large cities. The last
 * `codeLength` digits of the chosen one are replaced by random digits, which form the code.
 */
const CALLER_NUMBERS = [
  '74951238640',
  '74996470213',
  '78123096254',
  '73432175830',
  '73832490167',
  '78463327519',
  '78612043978',
  '78432651402',
];

/** Returns a caller number whose last `codeLength` digits are random, drawn with crypto.randomInt. */
export function pickCallerNumber(codeLength: number): string {
  const base = CALLER_NUMBERS[randomInt(CALLER_NUMBERS.length)] ?? '74951238640';
  let code = '';
  for (let i = 0; i < codeLength; i++) code += String(randomInt(10));
  return base.slice(0, base.length - codeLength) + code;
}
