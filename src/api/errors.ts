import type { MethodName } from '../protocol/index.js';

/**
 * An error response from the LoginByCall service: HTTP 200 with an `error` field in the JSON
 * body. `code` is the service's code verbatim, which may be a code the reference does not list
 * (for example `Error` for unexpected failures).
 */
export class LoginByCallError extends Error {
  override readonly name = 'LoginByCallError';
  /** The service's `error` field, verbatim. */
  readonly code: string;
  /** The service's `clazz` field (`GENERIC` or `PROCESS` in the reference), when sent. */
  readonly clazz?: string;
  /** The service's `reason` text, when sent. */
  readonly reason?: string;
  /** The service's `additional` object, when sent (`{ delay }` for `CALL_REPEAT_TIMEOUT`). */
  readonly additional?: Record<string, unknown>;
  /** The API method that failed. */
  readonly method: MethodName;
  /** The service's `X-Request-Id` response header, when sent. */
  readonly requestId?: string;
  /**
   * The service's own stack trace, for operators. It is non-enumerable so that it stays out of
   * JSON logs and `util.inspect` output by default, and never reaches the message.
   */
  declare readonly serviceStack?: string;

  constructor(init: {
    method: MethodName;
    code: string;
    clazz?: string | undefined;
    reason?: string | undefined;
    additional?: Record<string, unknown> | undefined;
    serviceStack?: string | undefined;
    requestId?: string | undefined;
  }) {
    const detail = init.reason ? `: ${init.reason}` : '';
    super(`${init.method} failed with ${init.code}${detail}`);
    this.method = init.method;
    this.code = init.code;
    if (init.clazz !== undefined) this.clazz = init.clazz;
    if (init.reason !== undefined) this.reason = init.reason;
    if (init.additional !== undefined) this.additional = init.additional;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    Object.defineProperty(this, 'serviceStack', {
      value: init.serviceStack,
      enumerable: false,
      writable: false,
    });
  }

  /**
   * Seconds to wait before repeating the call, from `additional.delay`. The service sends it
   * with `CALL_REPEAT_TIMEOUT`; undefined when the field is missing or not a number.
   */
  get delaySeconds(): number | undefined {
    const delay = this.additional?.['delay'];
    if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0) return undefined;
    return delay;
  }
}

/** Codes of {@link LoginByCallTransportError}. */
export type LoginByCallTransportErrorCode =
  | 'ERR_LOGINBYCALL_TIMEOUT'
  | 'ERR_LOGINBYCALL_NETWORK'
  | 'ERR_LOGINBYCALL_HTTP_STATUS'
  | 'ERR_LOGINBYCALL_INVALID_JSON';

/**
 * A request that produced no usable service response: it timed out, the connection failed, the
 * HTTP status was not 200, or the body was not the JSON object the method returns.
 */
export class LoginByCallTransportError extends Error {
  override readonly name = 'LoginByCallTransportError';
  readonly code: LoginByCallTransportErrorCode;
  /** The API method that failed. */
  readonly method: MethodName;
  /** The HTTP status, when a response arrived. */
  readonly status?: number;
  /** The service's `X-Request-Id` response header, when a response arrived with one. */
  readonly requestId?: string;

  constructor(init: {
    code: LoginByCallTransportErrorCode;
    method: MethodName;
    message: string;
    status?: number | undefined;
    requestId?: string | undefined;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.method = init.method;
    if (init.status !== undefined) this.status = init.status;
    if (init.requestId !== undefined) this.requestId = init.requestId;
  }
}

/**
 * An invalid client option, found at construction, or a missing one that a method needs, found
 * when that method is called. `option` names the option.
 */
export class LoginByCallOptionError extends TypeError {
  override readonly name = 'LoginByCallOptionError';
  readonly code = 'ERR_LOGINBYCALL_INVALID_OPTION';
  readonly option: string;

  constructor(option: string, message: string) {
    super(message);
    this.option = option;
  }
}

/** An invalid argument to a client method, found before any request is sent. */
export class LoginByCallArgumentError extends TypeError {
  override readonly name = 'LoginByCallArgumentError';
  readonly code = 'ERR_LOGINBYCALL_INVALID_ARGUMENT';
  readonly method: MethodName;
  /** The argument's name as the method takes it (camelCase) or as the wire names it. */
  readonly argument: string;

  constructor(method: MethodName, argument: string, message: string) {
    super(message);
    this.method = method;
    this.argument = argument;
  }
}
