import { Agent, type Dispatcher } from 'undici';
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

/**
 * Maximum size of a response body that the client reads, in bytes. API responses are small JSON
 * objects, so a larger body does not come from the API, and reading it would only use up memory.
 */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Maximum open sockets per client; further requests queue until one is free. */
const MAX_CONNECTIONS = 32;

/** Creates the keep-alive connection pool that one client uses for all its requests. */
export function createHttpAgent(): Agent {
  return new Agent({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, connections: MAX_CONNECTIONS });
}

/**
 * Sends one request and reads the whole body within `timeoutMs`. Throws
 * {@link LoginByCallTransportError} with `ERR_LOGINBYCALL_TIMEOUT` when the limit passes,
 * `ERR_LOGINBYCALL_NETWORK` when the connection fails and `ERR_LOGINBYCALL_INVALID_JSON` for a
 * body over MAX_RESPONSE_BYTES.
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
    const requestId = headerValue(response.headers['x-request-id']);
    const body = await readLimited(response.body);
    if (body === undefined) {
      throw new LoginByCallTransportError({
        code: 'ERR_LOGINBYCALL_INVALID_JSON',
        method,
        status: response.statusCode,
        requestId,
        message: `${method} returned a body larger than ${MAX_RESPONSE_BYTES} bytes, which is no API response: check apiUrl`,
      });
    }
    return { status: response.statusCode, body, requestId };
  } catch (error) {
    if (error instanceof LoginByCallTransportError) throw error;
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

/** Reads the body as UTF-8, or stops and returns undefined past MAX_RESPONSE_BYTES. */
async function readLimited(body: Dispatcher.ResponseData['body']): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
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
