import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoginByCallFlowError } from '../passport/flow-error.js';

/**
 * Tells whether the client wants JSON: a JSON request body or an Accept header that names JSON.
 * Plain HTML form posts get 303 redirects instead, when a redirect target is configured.
 */
export function wantsJson(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/json') || /^[^;]*\+json/.test(type)) return true;
  const accept = (req.headers['accept'] ?? '').toLowerCase();
  return accept.includes('application/json');
}

/** Sends a JSON response that caches must not store. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(text);
}

/** Sends a 303 See Other, so that a reload of the target page does not post the form again. */
export function sendRedirect(res: ServerResponse, location: string): void {
  res.statusCode = 303;
  res.setHeader('Location', location);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', 0);
  res.end();
}

/** Sends a refusal as `{ error: { code, message, ... } }` with `Retry-After` when it applies. */
export function sendError(res: ServerResponse, error: LoginByCallFlowError): void {
  const headers: Record<string, string> = {};
  const retryAfter = error.details.retryAfterSeconds;
  if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
  // An unread oversized body must not keep the connection busy after the response.
  if (error.code === 'BODY_TOO_LARGE') headers['Connection'] = 'close';
  sendJson(res, error.status, error.toBody(), headers);
}
