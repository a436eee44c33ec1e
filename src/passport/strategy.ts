import type { IncomingMessage } from 'node:http';
import { Strategy } from 'passport-strategy';
import { LoginByCallOptionError } from '../api/errors.js';
import { LoginByCallFlowError } from './flow-error.js';
import { describeError } from './hang-up.js';
import {
  resolveCoreOptions,
  type LoginByCallCoreOptions,
  type ResolvedCoreOptions,
} from './options.js';
import { optionalString } from './validate.js';
import { verifyCode } from './verify-code.js';

/** Strategy options: the shared core options plus how the strategy reads the request. */
export interface LoginByCallStrategyOptions extends LoginByCallCoreOptions {
  /** Field of `req.body` that contains the typed code. Default `'code'`. */
  codeField?: string;
  /** Passes `req` to `verify` as its second argument. Default false. */
  passReqToCallback?: boolean;
  /** Name the strategy is registered under. Default `'loginbycall'`. */
  name?: string;
}

/**
 * Finds or creates the user of a confirmed number. `phone` is E.164 with a leading `+`.
 * Resolve to the user, or to `false` to refuse the sign-in (403, `USER_REJECTED`).
 */
export type LoginByCallVerify = (phone: string) => Promise<unknown>;
export type LoginByCallVerifyWithRequest = (
  phone: string,
  req: IncomingMessage,
) => Promise<unknown>;

/** Challenge the strategy passes to Passport's `fail()`. It is safe to show to the user. */
export interface LoginByCallFailure {
  code: LoginByCallFlowError['code'];
  message: string;
  attemptsLeft?: number;
  retryAfterSeconds?: number;
  /** Name of the counter that refused, for `RATE_LIMITED`. */
  limit?: string;
}

/** The request fields the strategy reads: express-session's id and a parsed body. */
interface StrategyRequest extends IncomingMessage {
  session?: unknown;
  sessionID?: string;
  body?: unknown;
}

type Outcome =
  | { kind: 'success'; user: unknown; phone: string }
  | { kind: 'fail'; failure: LoginByCallFailure; status: number }
  | { kind: 'error'; error: Error };

/**
 * Passport strategy that signs a user in with the code of a flash call. The call was placed by
 * the `loginByCall()` router's `/start` for the same session; this strategy checks the code
 * from `req.body`, consumes the call and calls `verify` to find the user. Every request ends in
 * exactly one of `success`, `fail` (with a status) or `error`.
 */
export class LoginByCallStrategy extends Strategy {
  readonly name: string;
  private readonly core: ResolvedCoreOptions;
  private readonly codeField: string;
  private readonly passReqToCallback: boolean;
  private readonly verify: LoginByCallVerify | LoginByCallVerifyWithRequest;

  constructor(
    options: LoginByCallStrategyOptions & { passReqToCallback: true },
    verify: LoginByCallVerifyWithRequest,
  );
  constructor(
    options: LoginByCallStrategyOptions & { passReqToCallback?: false },
    verify: LoginByCallVerify,
  );
  constructor(
    options: LoginByCallStrategyOptions,
    verify: LoginByCallVerify | LoginByCallVerifyWithRequest,
  ) {
    super();
    this.core = resolveCoreOptions(options, 'LoginByCallStrategy', [
      'codeField',
      'passReqToCallback',
      'name',
    ]);
    if (typeof verify !== 'function') {
      throw new LoginByCallOptionError(
        'verify',
        'LoginByCallStrategy needs a verify function as its second argument: async (phone) => user or false.',
      );
    }
    this.verify = verify;
    this.codeField = (optionalString(options.codeField, 'codeField', /^.+$/) ?? 'code') as string;
    this.name = (optionalString(options.name, 'name', /^.+$/) ?? 'loginbycall') as string;
    const passReq = options.passReqToCallback;
    if (passReq !== undefined && typeof passReq !== 'boolean') {
      throw new LoginByCallOptionError(
        'passReqToCallback',
        `Option "passReqToCallback" must be true or false, got ${typeof passReq}.`,
      );
    }
    this.passReqToCallback = passReq ?? false;
  }

  override authenticate(req: StrategyRequest): void {
    void this.decide(req)
      .then((outcome) => this.finish(outcome))
      .catch((error: unknown) => {
        // Passport runs the app's next handlers inside success() and fail(), outside Express's
        // own error handling, so a throw there is logged instead of crashing the process.
        this.core.logger.error(
          { error: describeError(error) },
          'loginbycall: a handler after the strategy threw',
        );
      });
  }

  /** Works out the outcome without touching Passport, so that it ends the request only once. */
  private async decide(req: StrategyRequest): Promise<Outcome> {
    try {
      const sessionKey = req.sessionID;
      if (req.session === undefined || typeof sessionKey !== 'string' || sessionKey === '') {
        return { kind: 'error', error: sessionMissing() };
      }
      // Without a body parser every code would look malformed, which hides the setup mistake.
      if (req.body === undefined) return { kind: 'error', error: bodyMissing() };

      const pending = await verifyCode(this.core, sessionKey, readField(req.body, this.codeField));
      const user = this.passReqToCallback
        ? await (this.verify as LoginByCallVerifyWithRequest)(pending.phone, req)
        : await (this.verify as LoginByCallVerify)(pending.phone);
      if (user === false || user === null || user === undefined) {
        const failure: LoginByCallFailure = {
          code: 'USER_REJECTED',
          message: 'This number cannot sign in here.',
        };
        return { kind: 'fail', failure, status: 403 };
      }
      return { kind: 'success', user, phone: pending.phone };
    } catch (error) {
      if (error instanceof LoginByCallFlowError && error.status < 500) {
        const failure: LoginByCallFailure = {
          code: error.code,
          message: error.message,
          ...error.details,
        };
        return { kind: 'fail', failure, status: error.status };
      }
      return { kind: 'error', error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  private finish(outcome: Outcome): void {
    if (outcome.kind === 'success') this.success(outcome.user, { phone: outcome.phone });
    else if (outcome.kind === 'fail') this.fail(outcome.failure, outcome.status);
    else this.error(outcome.error);
  }
}

function readField(body: unknown, field: string): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  return Object.prototype.hasOwnProperty.call(body, field)
    ? (body as Record<string, unknown>)[field]
    : undefined;
}

function bodyMissing(): Error {
  return Object.assign(
    new Error(
      'LoginByCallStrategy found no req.body: mount express.urlencoded() or express.json() before passport.authenticate() on this route.',
    ),
    { code: 'ERR_LOGINBYCALL_BODY_REQUIRED' },
  );
}

function sessionMissing(): Error {
  return Object.assign(
    new Error(
      'LoginByCallStrategy needs req.session and req.sessionID: mount express-session and passport.session() before this route.',
    ),
    { code: 'ERR_LOGINBYCALL_SESSION_REQUIRED' },
  );
}
