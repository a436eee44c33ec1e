import { ERROR_CODES, type KnownErrorCode, type WireErrorBody } from '../protocol/index.js';

/** An error response of the API, thrown by method handlers and sent as HTTP 200 JSON. */
export class ApiError extends Error {
  readonly code: KnownErrorCode;
  readonly additional: Record<string, unknown> | undefined;
  /** Whether to close the connection after the response, for a body that was not read to its end. */
  closeConnection = false;

  constructor(code: KnownErrorCode, reason: string, additional?: Record<string, unknown>) {
    super(reason);
    this.name = 'ApiError';
    this.code = code;
    this.additional = additional;
  }

  /** Builds the wire body with `clazz`, `error`, `reason`, a short `stack` and `additional`. */
  toBody(method: string): WireErrorBody {
    const body: WireErrorBody = {
      clazz: ERROR_CODES[this.code].clazz,
      error: this.code,
      reason: this.message,
      // The service sends its server-side stack, so the emulator sends a short one of the same shape.
      stack: `${this.code}\nError: ${this.message}\n    at ${method} (loginbycall-emulator)`,
    };
    if (this.additional !== undefined) body.additional = this.additional;
    return body;
  }
}
