import { RateLimiterRes } from 'rate-limiter-flexible';
import { maskPhone } from '../logger.js';
import { StoreUnavailableError, type PendingCall } from '../store/types.js';
import { hashCode, hashesEqual } from './code-hash.js';
import { LoginByCallFlowError } from './flow-error.js';
import { describeError, hangUpInBackground, mayStillRing } from './hang-up.js';
import type { ResolvedCoreOptions } from './options.js';
import { failedCodesLimiter } from './shared-limiter.js';

/** Maximum code length accepted. Longer input is rejected before the store is read. */
const MAX_CODE_DIGITS = 12;

/**
 * Checks a typed code against the session's pending call and consumes the call when it is
 * right. Returns the call that the code confirmed; throws `LoginByCallFlowError` for every
 * refusal. Input of the wrong shape is refused before an attempt is taken, so a typo in the
 * length costs nothing. Exactly one of several parallel right codes wins.
 */
export async function verifyCode(
  core: ResolvedCoreOptions,
  sessionKey: string,
  code: unknown,
): Promise<PendingCall> {
  if (typeof code !== 'string' || code.length > MAX_CODE_DIGITS || !/^[0-9]+$/.test(code)) {
    throw new LoginByCallFlowError('INVALID_CODE', 400, 'Enter the code digits only.');
  }

  // The store checks the length in the same step, so a typo in the length takes no attempt.
  const attempt = await core.store.takeAttempt(sessionKey, core.clock.now(), code.length);
  if (attempt.outcome === 'missing') throw noPendingCall();
  if (attempt.outcome === 'expired') throw expired();
  if (attempt.outcome === 'exhausted') throw locked();
  if (attempt.outcome === 'wrong-length') {
    throw new LoginByCallFlowError(
      'INVALID_CODE',
      400,
      `Enter the last ${attempt.codeLength} digits of the number that called you.`,
      { attemptsLeft: attempt.attemptsLeft },
    );
  }

  const pending = attempt.pending;
  await takeDailyAttempt(core, sessionKey, pending);
  const typed = hashCode(core.secret, sessionKey, pending.callId, code);
  if (!hashesEqual(pending.codeHash, typed)) {
    await rejectCode(core, pending);
  }
  void giveBackDailyAttempt(core, pending);

  // takeAttempt deleted the record when it handed out the last attempt, so that request alone
  // owns the call. Earlier attempts race for it through consume().
  const won = pending.attemptsLeft === 0 || (await core.store.consume(sessionKey, pending.callId));
  if (!won) throw noPendingCall();

  const phone = maskPhone(pending.phone);
  core.emit({ type: 'code-accepted', phone, callId: pending.callId });
  if (mayStillRing(pending)) void hangUpInBackground(core, pending, 'code-accepted');
  return pending;
}

/**
 * Takes one point of the number's daily cap before the code is compared, atomically in the
 * store, so parallel attempts over many sessions and calls never compare more codes per day
 * than the cap. At the cap the pending call is deleted and the request gets 429.
 */
async function takeDailyAttempt(
  core: ResolvedCoreOptions,
  sessionKey: string,
  pending: PendingCall,
): Promise<void> {
  const cap = core.failedCodesPerPhonePerDay;
  if (cap === false) return;
  try {
    await failedCodesLimiter(core.store, cap).consume(pending.phone, 1);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) {
      throw rejection instanceof StoreUnavailableError
        ? rejection
        : new StoreUnavailableError('The daily code counter could not reach the store', {
            cause: rejection,
          });
    }
    await core.store.delete(sessionKey).catch(() => null);
    const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    const phone = maskPhone(pending.phone);
    core.emit({ type: 'limit-hit', limit: 'failedCodesPerPhonePerDay', phone, retryAfterSeconds });
    if (mayStillRing(pending)) void hangUpInBackground(core, pending, 'cancelled');
    throw new LoginByCallFlowError(
      'RATE_LIMITED',
      429,
      `Too many wrong codes for this number: try again in ${retryAfterSeconds} s.`,
      { retryAfterSeconds, limit: 'failedCodesPerPhonePerDay', attemptsLeft: 0 },
    );
  }
}

/** Gives back the daily point of a right code, so that only wrong codes count against the cap. */
async function giveBackDailyAttempt(
  core: ResolvedCoreOptions,
  pending: PendingCall,
): Promise<void> {
  const cap = core.failedCodesPerPhonePerDay;
  if (cap === false) return;
  const limiter = failedCodesLimiter(core.store, cap);
  try {
    const left = await limiter.reward(pending.phone, 1);
    // A counter back at 0 would only wait out its day: drop it, so a site keeps no key per
    // number that signed in. A wrong code counted between the two steps is lost, which
    // weakens the cap by at most one attempt.
    if (left.consumedPoints <= 0) await limiter.delete(pending.phone);
  } catch (error) {
    core.logger.warn(
      { callId: pending.callId, phone: maskPhone(pending.phone), error: describeError(error) },
      'loginbycall: could not give back the daily attempt of a right code',
    );
  }
}

async function rejectCode(core: ResolvedCoreOptions, pending: PendingCall): Promise<never> {
  const phone = maskPhone(pending.phone);
  core.emit({
    type: 'code-rejected',
    phone,
    callId: pending.callId,
    attemptsLeft: pending.attemptsLeft,
  });
  if (pending.attemptsLeft > 0) {
    const plural = pending.attemptsLeft === 1 ? 'attempt' : 'attempts';
    throw new LoginByCallFlowError(
      'WRONG_CODE',
      401,
      `Wrong code: ${pending.attemptsLeft} ${plural} left.`,
      { attemptsLeft: pending.attemptsLeft },
    );
  }
  core.emit({ type: 'attempts-exhausted', phone, callId: pending.callId });
  throw locked();
}

function noPendingCall(): LoginByCallFlowError {
  return new LoginByCallFlowError(
    'NO_PENDING_CALL',
    409,
    'No call is waiting for a code: request a new call.',
  );
}

function expired(): LoginByCallFlowError {
  return new LoginByCallFlowError('EXPIRED', 410, 'The code has expired: request a new call.', {
    attemptsLeft: 0,
  });
}

function locked(): LoginByCallFlowError {
  return new LoginByCallFlowError('LOCKED', 410, 'Too many wrong codes: request a new call.', {
    attemptsLeft: 0,
  });
}
