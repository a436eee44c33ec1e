import { ApiError } from './api-error.js';
import { checkIpAddress, checkMsisdn } from './arg-checks.js';
import type { Caller } from './authenticate.js';
import { FREE_REPEAT_MS, type CallRecord } from './call-store.js';
import { pickCallerNumber } from './caller-numbers.js';
import type { MethodContext, MethodInput, MethodResult } from './method-context.js';
import { scenarioOf } from './scenarios.js';

/**
 * `call`: places a call from a random caller number. Rejects a repeat to the same msisdn and
 * ip_address within repeatTimeout, and charges callPrice unless the same pair was called within
 * the last minute.
 */
export function placeCall(
  context: MethodContext,
  input: MethodInput,
  { account }: Caller,
): MethodResult {
  const { config, calls } = context;
  const { params, now } = input;
  const msisdn = checkMsisdn(params.get('msisdn') ?? '');
  const ipAddress = checkIpAddress(params.get('ip_address'));

  if (scenarioOf(msisdn) === 'rejected') {
    throw new ApiError('CALL_REJECTED', 'Call rejected, try again');
  }

  const sinceLast = calls.sinceLastCall(account.key, msisdn, ipAddress, now);
  const repeatTimeoutMs = config.repeatTimeout * 1000;
  if (sinceLast !== undefined && sinceLast < repeatTimeoutMs) {
    const delay = Math.round(repeatTimeoutMs - sinceLast) / 1000;
    throw new ApiError('CALL_REPEAT_TIMEOUT', `You can call back in ${Math.ceil(delay)} seconds`, {
      delay,
    });
  }

  const charged = sinceLast === undefined || sinceLast >= FREE_REPEAT_MS;
  if (charged && account.paid - account.consumed < config.callPrice) {
    throw new ApiError(
      'NOT_ENOUGH_CREDIT',
      `Balance ${account.paid - account.consumed} is below the call price ${config.callPrice}: refill it with pay`,
    );
  }
  if (charged) account.consumed += config.callPrice;

  const call = calls.add({
    accountKey: account.key,
    msisdn,
    ipAddress,
    mask: pickCallerNumber(config.codeLength),
    codeLength: config.codeLength,
    createdAt: now,
    charged,
  });
  // The emulator plays the phone network, so it shows what a phone would: the called number and
  // the full caller number. Both are made up in development.
  if (config.logCalls) {
    config.logger.info(
      { callId: call.callId, msisdn, mask: call.mask, codelen: call.codeLength, charged },
      `Calling ${msisdn} from ${call.mask}`,
    );
  }
  return {
    call: call.callId,
    mask: call.mask,
    codelen: call.codeLength,
    repeat_timeout: config.repeatTimeout,
  };
}

/** `call-status`: the status computed from the call's timestamps on the emulator's clock. */
export function callStatus(
  context: MethodContext,
  input: MethodInput,
  caller: Caller,
): MethodResult {
  const view = context.calls.view(findCall(context, input, caller), input.now);
  return { status: view.statusCode, status_desc: view.status, last_error: view.lastError };
}

/**
 * `call-hangup`: ends a queued or ringing call, which then reports `notanswered`. A call that
 * already ended gets CALL_NOT_FOUND, since the reference requires an active call.
 */
export function hangupCall(
  context: MethodContext,
  input: MethodInput,
  caller: Caller,
): MethodResult {
  const call = findCall(context, input, caller);
  const view = context.calls.view(call, input.now);
  if (view.endedAt !== undefined) {
    throw new ApiError('CALL_NOT_FOUND', `Call ${call.callId} has already ended as ${view.status}`);
  }
  call.interruption = { kind: 'hangup', at: input.now };
  return {};
}

function findCall(context: MethodContext, input: MethodInput, { account }: Caller): CallRecord {
  const callId = input.params.get('call') ?? '';
  const call = context.calls.get(callId);
  if (call === undefined || call.accountKey !== account.key) {
    throw new ApiError('CALL_NOT_FOUND', `Call ${callId} not found`);
  }
  return call;
}
