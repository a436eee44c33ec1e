import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoginByCallFlowError } from '../passport/flow-error.js';
import { handleCancel } from './cancel.js';
import { fail, type RouterContext } from './context.js';
import { CallLimits } from './limits.js';
import { resolveRouterOptions, type LoginByCallOptions } from './options.js';
import { sendError, sendJson } from './respond.js';
import { requireSession, type FlowRequest } from './session.js';
import { handleStart } from './start.js';
import { getLoginByCallState, readFlowState, rememberRouter, type FlowState } from './state.js';
import { handleVerify } from './verify.js';

/**
 * The middleware `loginByCall()` returns. It serves the four endpoints under `basePath` and
 * passes every other request on. It works with Express 4 and 5 and with plain `http`.
 */
export interface LoginByCallMiddleware {
  (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void;
  /** Same as `getLoginByCallState(req)`, for a request this router may not have seen. */
  getState(req: IncomingMessage): Promise<FlowState>;
}

type Handler = (
  ctx: RouterContext,
  req: FlowRequest,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => Promise<void>;

const ROUTES: Record<string, { method: 'POST' | 'GET'; handler: Handler }> = {
  '/start': { method: 'POST', handler: handleStart },
  '/verify': { method: 'POST', handler: handleVerify },
  '/cancel': { method: 'POST', handler: handleCancel },
  '/status': { method: 'GET', handler: handleStatus },
};

/**
 * Creates the phone sign-in endpoints: `POST {basePath}/start {phone}`, `POST
 * {basePath}/verify {code}`, `POST {basePath}/cancel` and `GET {basePath}/status`. Mount it
 * after express-session, passport.initialize() and passport.session(). Every option is
 * validated here, and an invalid one throws `LoginByCallOptionError`.
 */
export function loginByCall(options: LoginByCallOptions): LoginByCallMiddleware {
  const resolved = resolveRouterOptions(options);
  const ctx: RouterContext = {
    options: resolved,
    core: resolved.core,
    limits: new CallLimits(resolved.core, resolved.limits),
  };

  const middleware = (
    req: IncomingMessage,
    res: ServerResponse,
    next: (error?: unknown) => void,
  ): void => {
    rememberRouter(req, ctx);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!path.startsWith(`${resolved.basePath}/`)) {
      next();
      return;
    }
    const route = ROUTES[path.slice(resolved.basePath.length)];
    if (!route) {
      next();
      return;
    }

    const method = req.method === 'HEAD' ? 'GET' : req.method;
    if (method !== route.method) {
      res.setHeader('Allow', route.method === 'GET' ? 'GET, HEAD' : 'POST');
      sendError(
        res,
        new LoginByCallFlowError(
          'METHOD_NOT_ALLOWED',
          405,
          `Use ${route.method} for this address.`,
        ),
      );
      return;
    }
    route.handler(ctx, req as FlowRequest, res, next).catch(next);
  };

  return Object.assign(middleware, {
    getState: (req: IncomingMessage): Promise<FlowState> => {
      rememberRouter(req, ctx);
      return getLoginByCallState(req);
    },
  });
}

async function handleStatus(
  ctx: RouterContext,
  req: FlowRequest,
  res: ServerResponse,
  next: (error?: unknown) => void,
): Promise<void> {
  try {
    const sessionReq = requireSession(req, ctx.options.mode);
    sendJson(res, 200, await readFlowState(ctx, sessionReq, false));
  } catch (error) {
    await fail(ctx, undefined, res, next, error, undefined);
  }
}
