import type { MethodName } from '../protocol/index.js';
import { LoginByCallError, LoginByCallTransportError } from './errors.js';
import type { HttpResponse } from './http.js';

/** Network errors, timeouts and HTTP 5xx may pass on a repeat; service errors will not. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof LoginByCallTransportError)) return false;
  if (error.code === 'ERR_LOGINBYCALL_NETWORK' || error.code === 'ERR_LOGINBYCALL_TIMEOUT') {
    return true;
  }
  return error.code === 'ERR_LOGINBYCALL_HTTP_STATUS' && (error.status ?? 0) >= 500;
}

/** Turns an HTTP response into the service's JSON object or the matching error. */
export function parseResponse(method: MethodName, response: HttpResponse): Record<string, unknown> {
  const { status, requestId } = response;
  if (status !== 200) {
    throw new LoginByCallTransportError({
      code: 'ERR_LOGINBYCALL_HTTP_STATUS',
      method,
      status,
      requestId,
      message: `${method} returned HTTP ${status}, but the service returns 200 even for errors: check apiUrl`,
    });
  }

  // The reference calls some successful responses "empty": accept an empty body as `{}`.
  const text = response.body.trim();
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new LoginByCallTransportError({
      code: 'ERR_LOGINBYCALL_INVALID_JSON',
      method,
      status,
      requestId,
      message: `${method} returned a body that is not a JSON object (${text.length} characters)`,
    });
  }

  const object = body as Record<string, unknown>;
  const code = object['error'];
  if (code === undefined || code === null) return object;
  if (typeof code !== 'string' || code === '') {
    // A code that is not a non-empty string would make a useless `code` on LoginByCallError.
    throw new LoginByCallTransportError({
      code: 'ERR_LOGINBYCALL_INVALID_JSON',
      method,
      status,
      requestId,
      message: `${method} returned an error field that is not a non-empty string (${describeType(code)})`,
    });
  }
  throw toServiceError(method, code, object, requestId);
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === '') return 'an empty string';
  return `a ${typeof value}`;
}

function toServiceError(
  method: MethodName,
  code: string,
  body: Record<string, unknown>,
  requestId: string | undefined,
): LoginByCallError {
  const additional = body['additional'];
  return new LoginByCallError({
    method,
    code,
    clazz: optionalString(body['clazz']),
    reason: optionalString(body['reason']),
    additional:
      typeof additional === 'object' && additional !== null && !Array.isArray(additional)
        ? (additional as Record<string, unknown>)
        : undefined,
    serviceStack: optionalString(body['stack']),
    requestId,
  });
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
