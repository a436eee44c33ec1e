import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../logger.js';
import { ApiError } from './api-error.js';
import { runApiMethod } from './api-dispatch.js';
import type { FaultTable } from './faults.js';
import type { MethodContext } from './method-context.js';
import { readApiRequest } from './request-params.js';

/** Headers of every API response, as the service sends them. */
const API_HEADERS = {
  'Content-Type': 'application/json;charset=UTF-8',
  'Cache-Control': 'no-cache, no-store, must-revalidate',
  Pragma: 'no-cache',
  Expires: '0',
};

export interface ApiResponderDeps {
  context: MethodContext;
  faults: FaultTable;
  logger: Logger;
  /** Returns the next X-Request-Id. */
  nextRequestId: () => string;
  /** Runs housekeeping before a request, such as pruning. */
  beforeRequest: (now: number) => void;
}

/**
 * Responds to one request to `/callapi/v2.0/...`: applies the method's fault, runs the method and
 * sends HTTP 200 JSON, with the error body for any ApiError. Never throws.
 */
export async function respondToApi(
  deps: ApiResponderDeps,
  req: IncomingMessage,
  res: ServerResponse,
  target: { path: string; query: URLSearchParams; baseUrl: string },
): Promise<void> {
  const requestId = deps.nextRequestId();
  const methodFromPath = safeDecode(target.path.split('/')[0] ?? '');
  let method = methodFromPath;

  try {
    const fault = deps.faults.for(methodFromPath);
    if (fault?.latencyMs) {
      await delay(fault.latencyMs, res);
      // The client left during the delay, or close() ended the connection, so no one reads a response.
      if (res.destroyed) return;
    }
    if (fault?.dropConnection) {
      req.socket.destroy();
      return;
    }
    if (fault?.httpStatus !== undefined) {
      send(
        res,
        fault.httpStatus,
        requestId,
        JSON.stringify({ error: 'UNEXPECTED', reason: `Injected HTTP ${fault.httpStatus}` }),
      );
      return;
    }
    if (fault?.malformedBody) {
      send(res, 200, requestId, '{"error":"UNEXPECTED","reason":');
      return;
    }

    const request = await readApiRequest(req, target.path, target.query);
    method = request.method;
    const now = deps.context.config.clock.now();
    deps.beforeRequest(now);
    const signatureHeader = req.headers['signature'];
    const result = await runApiMethod(deps.context, request.method, {
      params: request.params,
      signatureHeader: Array.isArray(signatureHeader) ? signatureHeader[0] : signatureHeader,
      baseUrl: target.baseUrl,
      now,
    });
    send(res, 200, requestId, JSON.stringify(result));
  } catch (error) {
    if (res.destroyed) return;
    const apiError =
      error instanceof ApiError ? error : unexpected(deps.logger, method, requestId, error);
    if (apiError.closeConnection) res.setHeader('Connection', 'close');
    send(res, 200, requestId, JSON.stringify(apiError.toBody(method)));
  }
}

/**
 * Sends the API's JSON error for a request that Node's HTTP parser rejected, such as a garbled
 * request line or headers over the size limit, in place of Node's response without a body. The
 * status is 400, 408 or 431 as Node would send it, not 200, because no method was read.
 */
export function respondToClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  let status = 400;
  let reason = `Malformed HTTP request (${error.code ?? error.message}): send an HTTP/1.1 request`;
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    status = 431;
    reason = 'Request headers are too large: send parameters in the body';
  } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    reason = 'The request did not arrive in full within the server time limit';
  }
  const body = JSON.stringify(new ApiError('INVALID_ARGS', reason).toBody('request'));
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    ...Object.entries(API_HEADERS).map(([name, value]) => `${name}: ${value}`),
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

function unexpected(logger: Logger, method: string, requestId: string, error: unknown): ApiError {
  logger.error(
    { method, requestId, error: error instanceof Error ? error.message : String(error) },
    'API method failed unexpectedly',
  );
  return new ApiError('UNEXPECTED', 'Unexpected error');
}

function send(res: ServerResponse, status: number, requestId: string, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    ...API_HEADERS,
    'X-Request-Id': requestId,
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Waits `ms`, or less when the response closes first, so that a long fault delay does not keep
 * the process alive after the client left or the emulator closed.
 */
function delay(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      res.off('close', finish);
      resolve();
    };
    const timer = setTimeout(finish, ms);
    res.once('close', finish);
  });
}
