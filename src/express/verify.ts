import type { ServerResponse } from 'node:http';
import { maskPhone } from '../logger.js';
import {
  LoginByCallFlowError,
  type FlowErrorDetails,
  type LoginByCallFlowErrorCode,
} from '../passport/flow-error.js';
import { verifyCode } from '../passport/verify-code.js';
import { readBody, stringField, type FormFields } from './body.js';
import { fail, finish, type RouterContext } from './context.js';
import type { PassportLike } from './passport-like.js';
import {
  requireSession,
  saveSession,
  sessionData,
  type FlowRequest,
  type SessionRequest,
} from './session.js';

/** Body of a successful `POST {basePath}/verify` sent to JSON clients. */
export interface VerifyResult {
  ok: true;
  /** `redirects.success`, when configured, for the page to navigate to. */
  redirect?: string;
}

/**
 * Checks the code. Sign-in mode runs the Passport strategy and then `req.logIn`, which gives
 * the session a new id. The strategy consumes the pending call before that, because the
 * record is keyed by the old id. Second-factor mode keeps `req.user` and records the number.
 */
export async function handleVerify(
  ctx: RouterContext,
  req: FlowRequest,
  res: ServerResponse,
  next: (error?: unknown) => void,
): Promise<void> {
  const { redirects, mode } = ctx.options;
  let sessionReq: SessionRequest | undefined;
  try {
    sessionReq = requireSession(req, mode);
    const fields = await readBody(req, ctx.options.bodyLimitBytes);
    if (mode === 'second-factor') {
      await confirmPhone(ctx, sessionReq, fields);
    } else {
      req.body = fields;
      const user = await authenticate(ctx, sessionReq, res);
      await logInWithNewId(sessionReq, user, false);
    }

    const body: VerifyResult = redirects.success
      ? { ok: true, redirect: redirects.success }
      : { ok: true };
    await finish(sessionReq, res, { status: 200, body }, redirects.success);
  } catch (error) {
    await fail(ctx, sessionReq, res, next, error, redirects.failure);
  }
}

async function confirmPhone(
  ctx: RouterContext,
  req: SessionRequest,
  fields: FormFields,
): Promise<void> {
  if (!req.user) {
    throw new LoginByCallFlowError('NOT_SIGNED_IN', 401, 'Sign in first, then confirm your phone.');
  }
  const pending = await verifyCode(ctx.core, req.sessionID, stringField(fields, 'code'));

  // A confirmed second factor raises the session's privilege, so it gets a new id too.
  await logInWithNewId(req, req.user, true);
  sessionData(req).confirmed = { phone: pending.phone, confirmedAt: ctx.core.clock.now() };
  await saveSession(req);
  ctx.core.emit({
    type: 'phone-confirmed',
    phone: maskPhone(pending.phone),
    callId: pending.callId,
  });
}

async function authenticate(
  ctx: RouterContext,
  req: SessionRequest,
  res: ServerResponse,
): Promise<unknown> {
  const passport = ctx.options.passport ?? (await loadDefaultPassport());
  return new Promise((resolve, reject) => {
    const middleware = passport.authenticate(
      ctx.options.strategyName,
      (error, user, info, status) => {
        if (error) reject(error);
        else if (!user) reject(refusalFromInfo(info, status));
        else resolve(user);
      },
    );
    void Promise.resolve(middleware(req, res, reject)).catch(reject);
  });
}

/** Signs `user` in through Passport and makes sure the session id changed. */
async function logInWithNewId(
  req: SessionRequest,
  user: unknown,
  keepSessionInfo: boolean,
): Promise<void> {
  const logIn = req.logIn;
  if (typeof logIn !== 'function') {
    throw new LoginByCallFlowError(
      'SESSION_REQUIRED',
      500,
      'loginByCall() needs req.logIn: mount passport.initialize() and passport.session() before the router.',
    );
  }
  const before = req.sessionID;
  await new Promise<void>((resolve, reject) => {
    logIn.call(req, user, { keepSessionInfo }, (error) => (error ? reject(error) : resolve()));
  });
  if (req.sessionID !== before) return;

  // Passport older than 0.6 keeps the id, which would let a planted session id sign in. Drop
  // the signed-in session instead of keeping it.
  await new Promise<void>((resolve) => {
    if (req.session.regenerate) req.session.regenerate(() => resolve());
    else resolve();
  });
  throw Object.assign(
    new Error(
      'req.logIn did not change the session id, so the sign-in was dropped: use passport 0.6 or later.',
    ),
    { code: 'ERR_LOGINBYCALL_SESSION_NOT_REGENERATED' },
  );
}

function refusalFromInfo(info: unknown, status: number | undefined): LoginByCallFlowError {
  const failure = (typeof info === 'object' && info !== null ? info : {}) as {
    code?: unknown;
    message?: unknown;
  } & FlowErrorDetails;
  const code =
    typeof failure.code === 'string' ? (failure.code as LoginByCallFlowErrorCode) : 'USER_REJECTED';
  const message = typeof failure.message === 'string' ? failure.message : 'Sign-in failed.';
  const details: FlowErrorDetails = {};
  if (typeof failure.attemptsLeft === 'number') details.attemptsLeft = failure.attemptsLeft;
  if (typeof failure.retryAfterSeconds === 'number') {
    details.retryAfterSeconds = failure.retryAfterSeconds;
  }
  if (typeof failure.limit === 'string') details.limit = failure.limit;
  return new LoginByCallFlowError(code, status ?? 401, message, details);
}

let defaultPassport: Promise<PassportLike> | undefined;

function loadDefaultPassport(): Promise<PassportLike> {
  defaultPassport ??= import('passport').then(
    (module) => ((module as { default?: PassportLike }).default ?? module) as PassportLike,
  );
  return defaultPassport;
}
