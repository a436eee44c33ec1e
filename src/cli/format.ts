import {
  decodeBalance,
  decodeCall,
  decodeCallStatus,
  decodeChangeCredential,
  decodeRegister,
  decodeServerStatus,
  decodeStatus,
} from '../api/decode.js';
import { CREDITS_PER_USD } from '../protocol/index.js';

/** A service response as the CLI prints it for people. */
type Body = Record<string, unknown>;

/** Formats credits as US dollars with up to four decimals, at least two. */
export function formatUsd(credits: number): string {
  const fixed = (credits / CREDITS_PER_USD).toFixed(4);
  return fixed.replace(/(\.\d\d\d?)0+$/, '$1').replace(/(\.\d\d)0$/, '$1');
}

export function formatCredits(credits: number): string {
  return `${credits} credits (${formatUsd(credits)} USD)`;
}

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

export function formatRegister(body: Body): string {
  const result = decodeRegister(body);
  return [
    `call-api-id: ${result.callApiId}`,
    `verify URL: ${result.verifyUrl}`,
    'The api-key goes to the administrator e-mail. Serve the call-api-id as the body of the',
    'verify URL so that the service can check the domain.',
  ].join('\n');
}

export function formatStatus(body: Body): string {
  const status = decodeStatus(body);
  return [
    `activated: ${yesNo(status.activated)}`,
    `blocked: ${yesNo(status.blocked)}`,
    `unsigned requests allowed: ${yesNo(status.allowUnsecureCalls)}`,
  ].join('\n');
}

export function formatServerStatus(body: Body): string {
  const { serverStatus } = decodeServerStatus(body);
  const meaning = serverStatus === 1 ? 'calls should go through' : 'calls will probably fail';
  return `server status: ${serverStatus} (${meaning})`;
}

export function formatOptions(limit: number): string {
  return limit === -1
    ? 'balance e-mails turned off'
    : `balance e-mails below ${formatCredits(limit)}`;
}

export function formatBalance(body: Body): string {
  const balance = decodeBalance(body);
  const lines = [
    `current balance: ${formatCredits(balance.current)}`,
    `paid in total: ${formatCredits(balance.balance)}`,
    `consumed in total: ${formatCredits(balance.consumed)}`,
    balance.balanceNotifyLimit === -1
      ? 'balance e-mails: off'
      : `balance e-mails below: ${formatCredits(balance.balanceNotifyLimit)}`,
  ];
  if (balance.lastPayments.length > 0) {
    lines.push('last payments:');
    for (const payment of balance.lastPayments) {
      const date = new Date(payment.created * 1000).toISOString();
      lines.push(`  ${date}  ${formatCredits(payment.value)}`);
    }
  }
  return lines.join('\n');
}

export function formatChangeCredential(body: Body): string {
  const { callApiId } = decodeChangeCredential(body);
  return [
    `new call-api-id: ${callApiId}`,
    'The new api-key goes to the administrator e-mail. Run credential-confirm with the new',
    'call-api-id and api-key to activate them; the old ones work until then.',
  ].join('\n');
}

/** Prints the caller number without its last digits, which are the code the user types. */
export function formatCall(body: Body): string {
  const call = decodeCall(body);
  const prefix = call.mask.slice(0, Math.max(0, call.mask.length - call.codeLength));
  return [
    `call id: ${call.callId}`,
    `caller number prefix: ${prefix}`,
    `code length: ${call.codeLength}`,
    `repeat allowed after: ${call.repeatTimeout} s`,
  ].join('\n');
}

export function formatCallStatus(body: Body): string {
  const status = decodeCallStatus(body);
  const lines = [`status: ${status.status} (${status.statusCode})`];
  if (status.description !== '') lines.push(`description: ${status.description}`);
  if (status.lastError !== null) lines.push(`last error: ${status.lastError}`);
  return lines.join('\n');
}
