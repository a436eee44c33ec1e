import { Agent } from 'undici';
import type { MethodName } from '../protocol/index.js';
import type { EncodedRequest } from './encode.js';
import { LoginByCallTransportError } from './errors.js';

/** A response that arrived in full. */
export interface HttpResponse {
  status: number;
  body: string;
  requestId: string | undefined;
}

/** How long an idle keep-alive connection stays open, in milliseconds. */
const KEEP_ALIVE_TIMEOUT_MS = 10_000;

/** Maximum open sockets per client; further requests queue until one is free. */
const MAX_CONNECTIONS = 32;

/** Creates the keep-alive connection pool that one client uses for all its requests. */
export function createHttpAgent(): Agent {
  return new Agent({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, connections: MAX_CONNECTIONS });
}

/**
 * Sends one request and reads the whole body within `timeoutMs`. Throws
 * {@link LoginByCallTransportError} with `ERR_LOGINBYCALL_TIMEOUT` when the limit passes and
 * `ERR_LOGINBYCALL_NETWORK` when the connection fails.
 */
export async function sendHttp(
  agent: Agent,
  origin: string,
  request: EncodedRequest,
  method: MethodName,
  timeoutMs: number,
): Promise<HttpResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);

  try {
    const response = await agent.request({
      origin,
      path: request.path,
      method: request.httpMethod,
      headers: request.headers,
      body: request.body ?? null,
      signal: controller.signal,
    });
    const body = await response.body.text();
    return {
      status: response.statusCode,
      body,
      requestId: headerValue(response.headers['x-request-id']),
    };
  } catch (error) {
    if (controller.signal.aborted) {
      throw new LoginByCallTransportError({
        code: 'ERR_LOGINBYCALL_TIMEOUT',
        method,
        message: `${method} timed out after ${timeoutMs} ms: raise timeoutMs or check the service`,
        cause: error,
      });
    }
    throw new LoginByCallTransportError({
      code: 'ERR_LOGINBYCALL_NETWORK',
      method,
      message: `${method} failed to reach ${origin}: ${networkReason(error)}`,
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Describes a connection error by its code and message, which contain no request data. */
function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown }).code;
  const hasCode = typeof code === 'string' && !cause.message.includes(code);
  return hasCode ? `${code} ${cause.message}` : cause.message;
}
