import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';
import type { FaultTable } from './faults.js';
import type { MethodContext } from './method-context.js';
import { indexPage, paymentPage, paymentResultPage, phonePage } from './pages.js';
import { readFormBody, readLimited } from './request-params.js';
import type { EmulatorCall, EmulatorFault, FaultTarget } from './types.js';

export interface EmulatorRoutesDeps {
  context: MethodContext;
  faults: FaultTable;
  developmentCallApiId: () => string;
}

/** Digits of a number in a phone page path. */
const MSISDN_PATH = /^\/emulator\/phone\/(\d{1,15})(?:\/(state|answer|reject))?$/;

/**
 * Serves the pages and JSON endpoints under `/emulator` for people and tests. Returns false
 * when the path is not one of them.
 */
export async function respondToEmulatorRoute(
  deps: EmulatorRoutesDeps,
  req: IncomingMessage,
  res: ServerResponse,
  target: { pathname: string; query: URLSearchParams; baseUrl: string },
): Promise<boolean> {
  const { context } = deps;
  const { pathname, query, baseUrl } = target;
  const now = context.config.clock.now();
  const method = req.method ?? 'GET';

  if (pathname === '/emulator' || pathname === '/emulator/') {
    if (method !== 'GET') return notAllowed(res);
    sendHtml(res, 200, indexPage(baseUrl, deps.developmentCallApiId(), context.calls.list(now)));
    return true;
  }
  if (pathname === '/emulator/calls') {
    if (method !== 'GET') return notAllowed(res);
    const msisdn = query.get('msisdn') ?? undefined;
    sendJson(res, 200, { calls: context.calls.list(now, msisdn || undefined) });
    return true;
  }
  if (pathname === '/emulator/faults') {
    await respondToFaults(deps.faults, req, res);
    return true;
  }
  if (pathname === '/emulator/pay') {
    await respondToPayment(context, req, res, query, baseUrl);
    return true;
  }

  const phone = MSISDN_PATH.exec(pathname);
  if (phone === null) return false;
  const msisdn = phone[1] ?? '';
  const action = phone[2];
  if (action === undefined) {
    if (method !== 'GET') return notAllowed(res);
    sendHtml(res, 200, phonePage(baseUrl, msisdn));
  } else if (action === 'state') {
    if (method !== 'GET') return notAllowed(res);
    sendJson(res, 200, phoneState(context, msisdn, now));
  } else {
    if (method !== 'POST') return notAllowed(res);
    respondToPhoneAction(context, res, msisdn, action === 'answer' ? 'answered' : 'busy', now);
  }
  return true;
}

function phoneState(
  context: MethodContext,
  msisdn: string,
  now: number,
): { msisdn: string; call: EmulatorCall | null; calls: EmulatorCall[] } {
  const calls = context.calls.list(now, msisdn).slice(0, 10);
  return { msisdn, call: calls[0] ?? null, calls };
}

/** Picks up or rejects the newest ringing call to the number, as its owner would. */
function respondToPhoneAction(
  context: MethodContext,
  res: ServerResponse,
  msisdn: string,
  outcome: 'answered' | 'busy',
  now: number,
): void {
  const ringing = context.calls.list(now, msisdn).find((call) => call.status === 'dialing');
  const record = ringing === undefined ? undefined : context.calls.get(ringing.callId);
  if (record === undefined) {
    sendJson(res, 409, { error: `No call to ${msisdn} is ringing` });
    return;
  }
  record.interruption = { kind: outcome, at: now };
  sendJson(res, 200, phoneState(context, msisdn, now));
}

async function respondToFaults(
  faults: FaultTable,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method === 'GET') {
    sendJson(res, 200, { faults: faults.list() });
    return;
  }
  if (req.method !== 'POST') {
    notAllowed(res);
    return;
  }
  try {
    const body = JSON.parse((await readLimited(req)).toString('utf8')) as {
      method?: unknown;
      fault?: unknown;
    };
    if (body.method === undefined && body.fault === null) faults.clear();
    else
      faults.set((body.method ?? '*') as FaultTarget, (body.fault ?? null) as EmulatorFault | null);
    sendJson(res, 200, { faults: faults.list() });
  } catch (error) {
    const message =
      error instanceof ApiError || error instanceof Error ? error.message : String(error);
    // EmulatorOptionError messages end in a period, and this sentence adds its own.
    const reason = message.replace(/\.$/, '');
    sendJson(res, 400, {
      error: `Invalid fault request: ${reason}. Send JSON {"method":"call","fault":{"httpStatus":503}}, or {"fault":null} to clear all`,
    });
  }
}

/** GET shows the payment form of `pay`; POST with action pay, fail or cancel completes it. */
async function respondToPayment(
  context: MethodContext,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
  baseUrl: string,
): Promise<void> {
  const now = context.config.clock.now();
  if (req.method === 'GET') {
    const paymentId = query.get('payment_id') ?? '';
    const session = context.payments.peek(paymentId, now);
    const account =
      session === undefined ? undefined : context.accounts.findByKey(session.accountKey);
    if (session === undefined || account === undefined) {
      sendHtml(res, 404, paymentResultPage('Payment not found or expired'));
      return;
    }
    sendHtml(res, 200, paymentPage(baseUrl, paymentId, session.amount, account.domain));
    return;
  }
  if (req.method !== 'POST') {
    notAllowed(res);
    return;
  }

  let fields: Map<string, string>;
  try {
    fields = new Map(await readFormBody(req));
  } catch (error) {
    sendHtml(res, 400, paymentResultPage((error as Error).message));
    return;
  }
  const session = context.payments.take(fields.get('payment_id') ?? '', now);
  const account =
    session === undefined ? undefined : context.accounts.findByKey(session.accountKey);
  if (session === undefined || account === undefined) {
    sendHtml(res, 404, paymentResultPage('Payment not found or expired'));
    return;
  }

  const action = fields.get('action') ?? 'pay';
  if (action === 'pay') {
    context.accounts.credit(account, session.amount, now);
    context.config.logger.info(
      { domain: account.domain, amount: session.amount },
      'Credited payment',
    );
    redirectOrShow(res, session.successUrl, `Paid ${session.amount} credits`);
  } else if (action === 'fail') {
    redirectOrShow(res, session.failUrl, 'Payment failed');
  } else {
    redirectOrShow(res, session.returnUrl, 'Payment cancelled');
  }
}

function redirectOrShow(res: ServerResponse, url: string | null, message: string): void {
  if (url === null) {
    sendHtml(res, 200, paymentResultPage(message));
    return;
  }
  res.writeHead(303, { Location: url, 'Cache-Control': 'no-store' });
  res.end();
}

function notAllowed(res: ServerResponse): true {
  sendJson(res, 405, { error: 'Method not allowed' });
  return true;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy':
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self' http: https:",
    'Content-Length': Buffer.byteLength(html),
  });
  res.end(html);
}
