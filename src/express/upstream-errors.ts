import { LoginByCallError, LoginByCallTransportError } from '../api/errors.js';
import { maskPhone } from '../logger.js';
import { LoginByCallFlowError } from '../passport/flow-error.js';
import { describeError } from '../passport/hang-up.js';
import type { ResolvedCoreOptions } from '../passport/options.js';
import { isStoreUnavailable } from '../store/errors.js';

/** Service codes that mean the site's account cannot place calls: an operator must act. */
const ACCOUNT_CODES = new Set([
  'NOT_ENOUGH_CREDIT',
  'ACCOUNT_BLOCKED',
  'ACCOUNT_BLOCKED_ADMIN',
  'ACCOUNT_INACTIVE',
  'INVALID_ACCOUNT',
  'INVALID_SIGNATURE',
  'NO_SIGNATURE',
  'INVALID_TIMESTAMP',
  'NONCE_ALREADY_USED',
]);

/** Seconds to wait when the service sends CALL_REPEAT_TIMEOUT without a delay. */
const DEFAULT_REPEAT_DELAY_SECONDS = 60;

/**
 * Turns an error of the client or the store into the refusal sent to the browser, and logs
 * what the operator needs. Returns undefined for errors that are neither, which the caller passes on
 * to the app's error handler.
 */
export function toFlowError(
  core: ResolvedCoreOptions,
  error: unknown,
  context: { phone?: string; callId?: string },
): LoginByCallFlowError | undefined {
  if (error instanceof LoginByCallFlowError) return error;
  const fields = {
    phone: context.phone === undefined ? undefined : maskPhone(context.phone),
    callId: context.callId,
    error: describeError(error),
  };

  if (isStoreUnavailable(error)) {
    core.logger.error(fields, 'loginbycall: the pending-call store is unavailable');
    return new LoginByCallFlowError(
      'STORE_UNAVAILABLE',
      503,
      'Phone sign-in is unavailable right now: try again in a minute.',
      { retryAfterSeconds: 30 },
      { cause: error },
    );
  }

  if (error instanceof LoginByCallError) {
    emitUpstream(core, error.method, error.code, context);
    return fromServiceError(core, error, fields);
  }

  if (error instanceof LoginByCallTransportError) {
    emitUpstream(core, error.method, error.code, context);
    core.logger.error(fields, `loginbycall: ${error.method} request failed`);
    if (error.code === 'ERR_LOGINBYCALL_TIMEOUT') {
      return new LoginByCallFlowError(
        'UPSTREAM_TIMEOUT',
        504,
        'The call service did not answer in time: try again.',
        {},
        { cause: error },
      );
    }
    return upstreamError(error);
  }
  return undefined;
}

function fromServiceError(
  core: ResolvedCoreOptions,
  error: LoginByCallError,
  fields: Record<string, unknown>,
): LoginByCallFlowError {
  const logged = { ...fields, requestId: error.requestId };
  if (error.code === 'CALL_REPEAT_TIMEOUT') {
    core.logger.info(
      logged,
      'loginbycall: the service rejected a repeated call with CALL_REPEAT_TIMEOUT',
    );
    const retryAfterSeconds = Math.max(
      1,
      Math.ceil(error.delaySeconds ?? DEFAULT_REPEAT_DELAY_SECONDS),
    );
    return new LoginByCallFlowError(
      'RATE_LIMITED',
      429,
      `A new call to this number is possible in ${retryAfterSeconds} s.`,
      { retryAfterSeconds, limit: 'repeat' },
      { cause: error },
    );
  }
  if (ACCOUNT_CODES.has(error.code)) {
    core.logger.error(
      logged,
      `loginbycall: the service rejected the account with ${error.code}: check the balance and keys`,
    );
    return new LoginByCallFlowError(
      'SERVICE_UNAVAILABLE',
      503,
      'Phone sign-in is unavailable right now: try again later.',
      {},
      { cause: error },
    );
  }
  core.logger.error(logged, `loginbycall: ${error.method} failed with ${error.code}`);
  return upstreamError(error);
}

function upstreamError(cause: Error): LoginByCallFlowError {
  return new LoginByCallFlowError(
    'UPSTREAM_ERROR',
    502,
    'The call could not be placed: try again.',
    {},
    { cause },
  );
}

function emitUpstream(
  core: ResolvedCoreOptions,
  method: string,
  code: string,
  context: { phone?: string; callId?: string },
): void {
  core.emit({
    type: 'upstream-error',
    method,
    code,
    ...(context.phone === undefined ? {} : { phone: maskPhone(context.phone) }),
    ...(context.callId === undefined ? {} : { callId: context.callId }),
  });
}
