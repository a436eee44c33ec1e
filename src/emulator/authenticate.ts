import { METHODS, TIMESTAMP_WINDOW_SECONDS, type MethodName } from '../protocol/index.js';
import type { AccountRecord, AccountStore } from './account-store.js';
import { ApiError } from './api-error.js';
import { computeSignature, signatureMatches } from './signature.js';
import type { EmulatorCredential } from './types.js';

export interface Caller {
  account: AccountRecord;
  credential: EmulatorCredential;
}

/**
 * Finds the account of a request to a signed method and checks, in this order: the call-api-id
 * (INVALID_ACCOUNT), the signature (NO_SIGNATURE, INVALID_SIGNATURE), the timestamp
 * (INVALID_TIMESTAMP), the nonce (NONCE_ALREADY_USED) and the account state (ACCOUNT_BLOCKED,
 * ACCOUNT_BLOCKED_ADMIN, ACCOUNT_INACTIVE). The nonce is recorded only for a valid signature,
 * so a forged request cannot use up a client's nonce.
 */
export function authenticate(
  accounts: AccountStore,
  method: MethodName,
  params: ReadonlyMap<string, string>,
  signatureHeader: string | undefined,
  now: number,
): Caller {
  const callApiId = params.get('call-api-id') ?? '';
  const caller = accounts.find(callApiId);
  if (caller === undefined) throw new ApiError('INVALID_ACCOUNT', `Unknown user ${callApiId}`);

  const spec = METHODS[method];
  const signed =
    spec.signing === 'always' || (spec.signing === 'account' && !caller.account.allowUnsigned);
  if (signed) checkSignature(accounts, caller, method, params, signatureHeader, now);

  checkState(caller, method);
  return caller;
}

function checkSignature(
  accounts: AccountStore,
  caller: Caller,
  method: MethodName,
  params: ReadonlyMap<string, string>,
  signatureHeader: string | undefined,
  now: number,
): void {
  const signature = params.get('signature') || signatureHeader;
  if (signature === undefined || signature === '') {
    throw new ApiError('NO_SIGNATURE', `Method ${method} requires a signature`);
  }
  const timestamp = params.get('timestamp') ?? '';
  const nonce = params.get('nonce') ?? '';
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new ApiError('INVALID_ARGS', `Invalid timestamp ${timestamp}: send UNIX time in seconds`);
  }
  if (nonce === '') throw new ApiError('INVALID_ARGS', 'Missing required parameter nonce');

  const expected = computeSignature(
    method,
    METHODS[method].signOrder,
    params,
    caller.credential.apiKey,
  );
  if (!signatureMatches(signature, expected)) {
    throw new ApiError('INVALID_SIGNATURE', `Invalid signature of method ${method}`);
  }

  const timestampMs = Number(timestamp) * 1000;
  if (Math.abs(timestampMs - now) > TIMESTAMP_WINDOW_SECONDS * 1000) {
    throw new ApiError(
      'INVALID_TIMESTAMP',
      `timestamp ${timestamp} differs from the server time by more than 24 hours`,
    );
  }
  if (!accounts.useNonce(caller.account, nonce, timestampMs)) {
    throw new ApiError('NONCE_ALREADY_USED', `nonce ${nonce} has already been used`);
  }
}

function checkState({ account, credential }: Caller, method: MethodName): void {
  if (credential.state === 'outdated') {
    throw new ApiError(
      'ACCOUNT_BLOCKED',
      `Keys of ${credential.callApiId} are outdated: use the newer confirmed keys`,
    );
  }
  if (account.blocked === 'admin') {
    throw new ApiError(
      'ACCOUNT_BLOCKED_ADMIN',
      `Account ${credential.callApiId} was blocked by the administrator`,
    );
  }
  if (account.blocked === 'suspended') {
    throw new ApiError('ACCOUNT_BLOCKED', `Account ${credential.callApiId} is suspended`);
  }
  if (method === 'credential_confirm') return;
  if (!account.activated || credential.state === 'pending') {
    throw new ApiError(
      'ACCOUNT_INACTIVE',
      `Keys of ${credential.callApiId} are not activated: call credential_confirm`,
    );
  }
}
