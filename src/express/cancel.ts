import type { ServerResponse } from 'node:http';
import { hangUpInBackground, mayStillRing } from '../passport/hang-up.js';
import { fail, finish, type RouterContext } from './context.js';
import { requireSession, type FlowRequest, type SessionRequest } from './session.js';

/**
 * Deletes the session's pending call and hangs it up when it may still ring. Responds 200 even
 * when nothing was pending, so a repeated cancel is harmless.
 */
export async function handleCancel(
  ctx: RouterContext,
  req: FlowRequest,
  res: ServerResponse,
  next: (error?: unknown) => void,
): Promise<void> {
  let sessionReq: SessionRequest | undefined;
  try {
    sessionReq = requireSession(req, ctx.options.mode);
    const removed = await ctx.core.store.delete(sessionReq.sessionID);
    // hangUpInBackground never rejects, and awaiting it sends the response after the hang-up.
    if (removed && mayStillRing(removed)) await hangUpInBackground(ctx.core, removed, 'cancelled');
    await finish(
      sessionReq,
      res,
      { status: 200, body: { ok: true } },
      ctx.options.redirects.start,
      {
        code: 'CANCELLED',
        text: 'The call was cancelled.',
      },
    );
  } catch (error) {
    await fail(ctx, sessionReq, res, next, error, ctx.options.redirects.start);
  }
}
