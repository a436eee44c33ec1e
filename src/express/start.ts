import type { ServerResponse } from 'node:http';
import { LoginByCallError } from '../api/errors.js';
import { maskPhone } from '../logger.js';
import { hashCode } from '../passport/code-hash.js';
import { LoginByCallFlowError } from '../passport/flow-error.js';
import { describeError, hangUpInBackground, mayStillRing } from '../passport/hang-up.js';
import type { LoginByCallApi } from '../passport/options.js';
import type { PendingCall } from '../store/types.js';
import { readBody, stringField } from './body.js';
import { fail, finish, type RouterContext } from './context.js';
import { ipLimitKey } from './ip-key.js';
import { normalizePhone } from './phone.js';
import {
  requireReturningCookie,
  requireSession,
  saveSession,
  sessionData,
  type FlowRequest,
  type SessionRequest,
} from './session.js';

/** Body of a successful `POST {basePath}/start`. It never contains the full caller number or the code. */
export interface StartResult {
  /** The caller number without its last `codeLength` digits, to show while the phone rings. */
  maskPrefix: string;
  /** How many digits the user types. */
  codeLength: number;
  /** Seconds until a new call to this number is allowed. */
  retryAfterSeconds: number;
  /** Seconds until the code stops being accepted. */
  expiresInSeconds: number;
}

type PlacedCall = Awaited<ReturnType<LoginByCallApi['call']>>;

/**
 * Places a call. Order: limits, then the API call, then the pending record. When the record
 * cannot be written the call is hung up, so no call rings without a record that accepts its
 * code, and a failed call leaves no record behind.
 *
 * NOTE: a start that races a winning verify in the same session stores its record under the
 * session id that sign-in is replacing, so that call rings with a code nothing accepts until
 * it times out. The phone gets one call too many; no code is exposed.
 */
export async function handleStart(
  ctx: RouterContext,
  req: FlowRequest,
  res: ServerResponse,
  next: (error?: unknown) => void,
): Promise<void> {
  const formTarget = ctx.options.redirects.start;
  let sessionReq: SessionRequest | undefined;
  let phone: string | undefined;
  try {
    sessionReq = requireSession(req, ctx.options.mode);
    requireReturningCookie(sessionReq);
    if (ctx.options.mode === 'second-factor' && !req.user) {
      throw new LoginByCallFlowError(
        'NOT_SIGNED_IN',
        401,
        'Sign in first, then confirm your phone.',
      );
    }
    const fields = await readBody(req, ctx.options.bodyLimitBytes);
    phone = parsePhone(ctx, stringField(fields, 'phone'));

    const sessionKey = sessionReq.sessionID;
    const ip = clientIp(req);
    await ctx.limits.take({ phone, ip: ipLimitKey(ip), sessionKey });
    const call = await placeCall(ctx, phone, ip);
    // The repeat gate and the pending record are independent keys, so both writes go out together.
    const calledPhone = phone;
    const [{ pending, replaced }] = await Promise.all([
      storePending(ctx, sessionKey, phone, call),
      ctx.limits.holdRepeat(phone, call.repeatTimeout).catch((error: unknown) => {
        ctx.core.logger.warn(
          { callId: call.callId, phone: maskPhone(calledPhone), error: describeError(error) },
          'loginbycall: could not record the repeat timeout; the service still enforces it',
        );
      }),
    ]);
    // The record that put() replaced, not one read before the call: a parallel start in this
    // session may have stored its call in between, and that call must stop ringing too.
    if (replaced && replaced.callId !== pending.callId && mayStillRing(replaced)) {
      void hangUpInBackground(ctx.core, replaced, 'replaced');
    }

    await markSession(ctx, sessionReq, pending);
    ctx.core.emit({
      type: 'call-started',
      phone: maskPhone(phone),
      callId: pending.callId,
      codeLength: pending.codeLength,
    });
    const result = startResult(ctx, pending);
    await finish(sessionReq, res, { status: 200, body: result }, ctx.options.redirects.code, {
      code: 'CALL_STARTED',
      text: `Answer nothing: type the last ${pending.codeLength} digits of the number calling you.`,
    });
  } catch (error) {
    await fail(ctx, sessionReq, res, next, error, formTarget, phone === undefined ? {} : { phone });
  }
}

/**
 * Marks the session as modified, so `saveUninitialized: false` still saves it, and saves it
 * before the response. Without a saved session the browser could never send the code, so a
 * failed save deletes the pending call and hangs it up.
 */
async function markSession(
  ctx: RouterContext,
  req: SessionRequest,
  pending: PendingCall,
): Promise<void> {
  sessionData(req).startedAt = ctx.core.clock.now();
  try {
    await saveSession(req);
  } catch (error) {
    ctx.core.logger.error(
      { callId: pending.callId, phone: maskPhone(pending.phone), error: describeError(error) },
      'loginbycall: saving the session failed; the call was hung up',
    );
    await ctx.core.store.delete(req.sessionID).catch(() => null);
    await hangUpInBackground(ctx.core, pending, 'cancelled');
    throw error;
  }
}

function parsePhone(ctx: RouterContext, input: string | undefined): string {
  if (input === undefined) {
    throw new LoginByCallFlowError('PHONE_REQUIRED', 400, 'Enter a phone number.');
  }
  const normalized = normalizePhone(input, ctx.options.defaultCountry);
  const allowed = ctx.options.allowedCountries;
  if (allowed && (normalized.country === undefined || !allowed.has(normalized.country))) {
    throw new LoginByCallFlowError(
      'COUNTRY_NOT_ALLOWED',
      403,
      'Calls to numbers of this country are not available.',
    );
  }
  return normalized.e164;
}

async function placeCall(ctx: RouterContext, phone: string, ip: string): Promise<PlacedCall> {
  const msisdn = phone.slice(1);
  let call: PlacedCall;
  try {
    call = await ctx.core.client.call(ip === '' ? { msisdn } : { msisdn, ipAddress: ip });
  } catch (error) {
    // Remember the service's own wait, so that repeats are refused here without a request.
    if (error instanceof LoginByCallError && error.code === 'CALL_REPEAT_TIMEOUT') {
      await ctx.limits.holdRepeat(phone, error.delaySeconds ?? 60).catch(() => undefined);
    }
    throw error;
  }
  const validMask =
    /^[0-9]+$/.test(call.mask) &&
    Number.isInteger(call.codeLength) &&
    call.codeLength > 0 &&
    call.mask.length > call.codeLength;
  if (!validMask) {
    ctx.core.logger.error(
      { callId: call.callId, phone: maskPhone(phone), codeLength: call.codeLength },
      'loginbycall: the service returned a mask that cannot carry the code; the call was hung up',
    );
    await ctx.core.client.callHangup(call.callId).catch(() => undefined);
    throw new LoginByCallFlowError(
      'UPSTREAM_ERROR',
      502,
      'The call could not be placed: try again.',
    );
  }
  return call;
}

async function storePending(
  ctx: RouterContext,
  sessionKey: string,
  phone: string,
  call: PlacedCall,
): Promise<{ pending: PendingCall; replaced: PendingCall | null }> {
  const now = ctx.core.clock.now();
  const digits = call.mask.slice(-call.codeLength);
  const pending: PendingCall = {
    callId: call.callId,
    phone,
    maskPrefix: call.mask.slice(0, call.mask.length - call.codeLength),
    codeLength: call.codeLength,
    codeHash: hashCode(ctx.core.secret, sessionKey, call.callId, digits),
    attemptsLeft: ctx.core.maxAttempts,
    createdAt: now,
    expiresAt: now + ctx.core.codeTtlSeconds * 1000,
    repeatAt: now + Math.max(0, call.repeatTimeout) * 1000,
  };
  try {
    const replaced = await ctx.core.store.put(sessionKey, pending);
    return { pending, replaced };
  } catch (error) {
    // The code could never be checked, so the phone must stop ringing.
    await hangUpInBackground(ctx.core, pending, 'cancelled');
    throw error;
  }
}

function startResult(ctx: RouterContext, pending: PendingCall): StartResult {
  const now = ctx.core.clock.now();
  return {
    maskPrefix: pending.maskPrefix,
    codeLength: pending.codeLength,
    retryAfterSeconds: Math.max(0, Math.ceil((pending.repeatAt - now) / 1000)),
    expiresInSeconds: Math.max(0, Math.ceil((pending.expiresAt - now) / 1000)),
  };
}

/** Returns the client address as Express resolved it (honouring `trust proxy`), without `::ffff:`. */
export function clientIp(req: FlowRequest): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? '';
  return ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
}
