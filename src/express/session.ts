import type { IncomingMessage } from 'node:http';
import {
  LoginByCallFlowError,
  type FlowErrorDetails,
  type LoginByCallFlowErrorCode,
} from '../passport/flow-error.js';

/** The last outcome of a form post, shown once by the page the browser was redirected to. */
export interface FlowMessage extends FlowErrorDetails {
  code: LoginByCallFlowErrorCode | 'CALL_STARTED' | 'CANCELLED';
  text: string;
}

/** A number confirmed in second-factor mode. */
export interface ConfirmedPhone {
  /** E.164 with a leading `+`. */
  phone: string;
  /** When the code was accepted, in ms since the epoch. */
  confirmedAt: number;
}

/** Data the router stores in `req.session.loginByCall`. */
export interface LoginByCallSessionData {
  /** When the last call was started, in ms since the epoch; also makes the session "modified". */
  startedAt?: number;
  flash?: FlowMessage;
  confirmed?: ConfirmedPhone;
}

/** The parts of an express-session session that the router uses. */
export interface SessionLike {
  loginByCall?: LoginByCallSessionData;
  /** express-session's cookie settings of this session. */
  cookie?: { secure?: boolean | 'auto' };
  save(callback: (error?: unknown) => void): void;
  regenerate?(callback: (error?: unknown) => void): void;
}

/** The request fields the router reads, as Express, express-session and Passport set them. */
export interface FlowRequest extends IncomingMessage {
  ip?: string;
  body?: unknown;
  session?: SessionLike;
  sessionID?: string;
  user?: unknown;
  logIn?: (
    user: unknown,
    options: { keepSessionInfo?: boolean },
    done: (error?: unknown) => void,
  ) => void;
}

/** A request with a session, as the handlers need it. */
export interface SessionRequest extends FlowRequest {
  session: SessionLike;
  sessionID: string;
}

/** Returns the request with its session, or throws a 500 that explains how to mount express-session. */
export function requireSession(
  req: FlowRequest,
  mode: 'sign-in' | 'second-factor',
): SessionRequest {
  if (req.session && typeof req.session.save === 'function' && typeof req.sessionID === 'string') {
    return req as SessionRequest;
  }
  const passportHint =
    mode === 'sign-in' ? ', then passport.initialize() and passport.session(),' : '';
  throw new LoginByCallFlowError(
    'SESSION_REQUIRED',
    500,
    `loginByCall() needs req.session: mount express-session${passportHint} before the router.`,
  );
}

/**
 * Throws a 500 when express-session will not send the session cookie: its `secure` flag is set
 * but the request came over plain HTTP. The browser could then never return the code to the
 * session that placed the call, so no call may be placed.
 */
export function requireReturningCookie(req: SessionRequest): void {
  const secureCookie = req.session.cookie?.secure === true;
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  // Express sets req.secure from X-Forwarded-Proto only for a trusted proxy, but express-session
  // with `proxy: true` reads the header itself, so the header alone is accepted too. A client
  // that forges it only skips this check of the app's setup.
  const forwardedProto = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    ?.trim();
  const secureRequest =
    encrypted || (req as { secure?: boolean }).secure === true || forwardedProto === 'https';
  if (!secureCookie || secureRequest) return;
  throw new LoginByCallFlowError(
    'SESSION_REQUIRED',
    500,
    'loginByCall() cannot place a call: the session cookie has cookie.secure set, but this request came over plain HTTP, so the browser never gets the cookie. Serve the site over HTTPS (behind a TLS proxy, set Express "trust proxy"), or set cookie.secure only in production.',
  );
}

/** Returns the router's data in the session, creating it when missing. */
export function sessionData(req: SessionRequest): LoginByCallSessionData {
  req.session.loginByCall ??= {};
  return req.session.loginByCall;
}

/** Saves the session now, so the response is sent only after the session store wrote it. */
export function saveSession(req: SessionRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.save((error) => (error ? reject(error) : resolve()));
  });
}

/**
 * Returns the number that second-factor mode confirmed in this session, or undefined. The
 * record survives the session id change that confirmation makes and lasts as long as the session.
 */
export function getConfirmedPhone(req: IncomingMessage): ConfirmedPhone | undefined {
  const confirmed = (req as FlowRequest).session?.loginByCall?.confirmed;
  return confirmed ? { ...confirmed } : undefined;
}
