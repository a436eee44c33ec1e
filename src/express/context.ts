import type { ServerResponse } from 'node:http';
import type { ResolvedCoreOptions } from '../passport/options.js';
import type { CallLimits } from './limits.js';
import type { ResolvedRouterOptions } from './options.js';
import { sendError, sendJson, sendRedirect, wantsJson } from './respond.js';
import { saveSession, sessionData, type FlowMessage, type SessionRequest } from './session.js';
import { LoginByCallFlowError } from '../passport/flow-error.js';
import { toFlowError } from './upstream-errors.js';

/** Context of every endpoint handler: the resolved options and the shared counters. */
export interface RouterContext {
  options: ResolvedRouterOptions;
  core: ResolvedCoreOptions;
  limits: CallLimits;
}

/**
 * Ends a request: JSON for JSON clients, or a 303 to `formTarget` for plain form posts, with
 * `flash` kept in the session for the page the browser lands on.
 */
export async function finish(
  req: SessionRequest,
  res: ServerResponse,
  json: { status: number; body: unknown },
  formTarget: string | undefined,
  flash?: FlowMessage,
): Promise<void> {
  if (formTarget === undefined || wantsJson(req)) {
    sendJson(res, json.status, json.body);
    return;
  }
  if (flash) sessionData(req).flash = flash;
  else delete req.session.loginByCall?.flash;
  await saveSession(req);
  sendRedirect(res, formTarget);
}

/**
 * Responds to a failed request. Refusals go to the browser as JSON, or as a flash and a 303 for
 * form posts. Any other error goes to the app's error handler through `next`.
 */
export async function fail(
  ctx: RouterContext,
  req: SessionRequest | undefined,
  res: ServerResponse,
  next: (error?: unknown) => void,
  error: unknown,
  formTarget: string | undefined,
  context: { phone?: string; callId?: string } = {},
): Promise<void> {
  const refusal = toFlowError(ctx.core, error, context);
  if (!refusal) {
    next(error);
    return;
  }
  if (refusal.status >= 500 && refusal.code === 'SESSION_REQUIRED') {
    ctx.core.logger.error({ code: refusal.code }, refusal.message);
  }
  if (req === undefined || formTarget === undefined || wantsJson(req) || !canFlash(refusal)) {
    sendError(res, refusal);
    return;
  }
  try {
    await finish(req, res, { status: refusal.status, body: refusal.toBody() }, formTarget, {
      code: refusal.code,
      text: refusal.message,
      ...refusal.details,
    });
  } catch (saveError) {
    const fallback = toFlowError(ctx.core, saveError, context);
    if (fallback) sendError(res, fallback);
    else next(saveError);
  }
}

/** Tells whether a refusal can be flashed: a store outage may also break the session store. */
function canFlash(error: LoginByCallFlowError): boolean {
  return error.code !== 'STORE_UNAVAILABLE' && error.code !== 'SESSION_REQUIRED';
}
