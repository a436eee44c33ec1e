import type { IncomingMessage } from 'node:http';
import { maskPhone } from '../logger.js';
import { isCallActive, type CallStatusName } from '../protocol/calls.js';
import { describeError } from '../passport/hang-up.js';
import type { PendingCall } from '../store/types.js';
import type { RouterContext } from './context.js';
import type { FlowMessage, SessionRequest } from './session.js';
import { requireSession } from './session.js';

/** State of a session's sign-in flow, for `GET {basePath}/status` and server-rendered pages. */
export interface FlowState {
  /** `idle`: no call waits for a code; `pending`: one does; `expired`: its code expired. */
  phase: 'idle' | 'pending' | 'expired';
  /** The called number, masked (`+7999*****01`), or null when idle. */
  phone: string | null;
  /** The caller number without its last `codeLength` digits, or null when idle. */
  maskPrefix: string | null;
  codeLength: number | null;
  attemptsLeft: number | null;
  /** Seconds until a new call to this number is allowed; 0 when idle. */
  retryAfterSeconds: number;
  /** Seconds until the code stops being accepted; 0 when idle or expired. */
  expiresInSeconds: number;
  /** The call's last known status, or null when idle or never asked. */
  status: CallStatusName | 'unknown' | null;
  /** The outcome of the last form post, shown once (see `getLoginByCallState`). */
  message?: FlowMessage;
}

/** Minimum time between two `call-status` requests for one call, in ms. */
const STATUS_INTERVAL_MS = 1000;

/**
 * Reads the flow state of the session and refreshes the call status from the service, at most
 * once per second per call in this process and never after a final status. A failed status
 * request is logged and the last known status is returned.
 */
export async function readFlowState(
  ctx: RouterContext,
  req: SessionRequest,
  takeFlash: boolean,
): Promise<FlowState> {
  const message = takeFlash ? takeFlashMessage(req) : undefined;
  const stored = await ctx.core.store.get(req.sessionID);
  const state = stored ? await describePending(ctx, req.sessionID, stored) : idleState();
  return message ? { ...state, message } : state;
}

function idleState(): FlowState {
  return {
    phase: 'idle',
    phone: null,
    maskPrefix: null,
    codeLength: null,
    attemptsLeft: null,
    retryAfterSeconds: 0,
    expiresInSeconds: 0,
    status: null,
  };
}

async function describePending(
  ctx: RouterContext,
  sessionKey: string,
  pending: PendingCall,
): Promise<FlowState> {
  const now = ctx.core.clock.now();
  const expired = now >= pending.expiresAt;
  const status = expired
    ? (pending.lastStatus ?? null)
    : await refreshStatus(ctx, sessionKey, pending);
  return {
    phase: expired ? 'expired' : 'pending',
    phone: maskPhone(pending.phone),
    maskPrefix: pending.maskPrefix,
    codeLength: pending.codeLength,
    attemptsLeft: expired ? 0 : pending.attemptsLeft,
    retryAfterSeconds: Math.max(0, Math.ceil((pending.repeatAt - now) / 1000)),
    expiresInSeconds: expired ? 0 : Math.ceil((pending.expiresAt - now) / 1000),
    status,
  };
}

type StatusResult = CallStatusName | 'unknown' | null;

/** A status request of this process: when it was sent (clock ms) and its result. */
interface StatusCheck {
  sentAt: number;
  result: Promise<StatusResult>;
}

/** Status requests of each router sent within the last STATUS_INTERVAL_MS, by call id. */
const statusChecksOfRouter = new WeakMap<RouterContext, Map<string, StatusCheck>>();

async function refreshStatus(
  ctx: RouterContext,
  sessionKey: string,
  pending: PendingCall,
): Promise<StatusResult> {
  const last = pending.lastStatus;
  const now = ctx.core.clock.now();
  const final = last !== undefined && !isCallActive(last);
  const recent =
    pending.statusCheckedAt !== undefined && now - pending.statusCheckedAt < STATUS_INTERVAL_MS;
  if (final || recent) return last ?? null;

  // Parallel requests all read the record before the first status is saved, so they share the
  // request in flight instead of each asking the service.
  // NOTE: this applies within one process. App instances sharing a store may each ask once in the
  // same second, because the stored statusCheckedAt is written only after the service replied.
  const checks = recentStatusChecks(ctx, now);
  const running = checks.get(pending.callId);
  if (running) return running.result;
  const result = askStatus(ctx, sessionKey, pending, now);
  checks.set(pending.callId, { sentAt: now, result });
  return result;
}

/** Returns the router's recent status requests after dropping those older than the interval. */
function recentStatusChecks(ctx: RouterContext, now: number): Map<string, StatusCheck> {
  let checks = statusChecksOfRouter.get(ctx);
  if (!checks) {
    checks = new Map();
    statusChecksOfRouter.set(ctx, checks);
  }
  // Entries are added in the order they were sent, so the old ones are at the front.
  for (const [callId, check] of checks) {
    if (now - check.sentAt < STATUS_INTERVAL_MS) break;
    checks.delete(callId);
  }
  return checks;
}

/** Requests the status from the service and saves it. A failure is logged and returns the last one. */
async function askStatus(
  ctx: RouterContext,
  sessionKey: string,
  pending: PendingCall,
  now: number,
): Promise<StatusResult> {
  const last = pending.lastStatus;
  try {
    const { status } = await ctx.core.client.callStatus(pending.callId);
    ctx.core.emit({
      type: 'call-status',
      phone: maskPhone(pending.phone),
      callId: pending.callId,
      status,
    });
    // An unknown code is not stored, so the next request queries the service again. The save
    // runs off the response path, and until it lands, parallel requests of this process share
    // this request's result through statusChecksOfRouter.
    if (status !== 'unknown') void saveStatusInBackground(ctx, sessionKey, pending, status, now);
    return status;
  } catch (error) {
    ctx.core.logger.warn(
      { callId: pending.callId, phone: maskPhone(pending.phone), error: describeError(error) },
      'loginbycall: call-status failed; returning the last known status',
    );
    return last ?? null;
  }
}

async function saveStatusInBackground(
  ctx: RouterContext,
  sessionKey: string,
  pending: PendingCall,
  status: CallStatusName,
  now: number,
): Promise<void> {
  try {
    await ctx.core.store.saveStatus(sessionKey, pending.callId, status, now);
  } catch (error) {
    ctx.core.logger.warn(
      { callId: pending.callId, phone: maskPhone(pending.phone), error: describeError(error) },
      'loginbycall: saving the call status failed; the next status request asks the service again',
    );
  }
}

/** Removes and returns the flash, touching the session only when it has one. */
function takeFlashMessage(req: SessionRequest): FlowMessage | undefined {
  const data = req.session.loginByCall;
  const message = data?.flash;
  if (data && message) delete data.flash;
  return message;
}

/** The router that each request passed through, for `getLoginByCallState(req)`. */
const routerOfRequest = new WeakMap<IncomingMessage, RouterContext>();

export function rememberRouter(req: IncomingMessage, ctx: RouterContext): void {
  routerOfRequest.set(req, ctx);
}

/**
 * Returns the flow state of this request's session for a server-rendered page, including the
 * outcome of the last form post, which it removes from the session so it shows only once.
 * The `loginByCall()` middleware must have run for this request: mount it with `app.use`
 * before the page's route.
 */
export async function getLoginByCallState(req: IncomingMessage): Promise<FlowState> {
  const ctx = routerOfRequest.get(req);
  if (!ctx) {
    throw Object.assign(
      new Error(
        'getLoginByCallState(req): no loginByCall() router ran for this request. Mount it with app.use(loginByCall(...)) before this route.',
      ),
      { code: 'ERR_LOGINBYCALL_NO_ROUTER' },
    );
  }
  return readFlowState(ctx, requireSession(req, ctx.options.mode), true);
}
