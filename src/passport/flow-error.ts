/** Stable codes of every refusal the sign-in flow sends. */
export type LoginByCallFlowErrorCode =
  | 'INVALID_BODY'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'METHOD_NOT_ALLOWED'
  | 'PHONE_REQUIRED'
  | 'INVALID_PHONE'
  | 'COUNTRY_NOT_ALLOWED'
  | 'INVALID_CODE'
  | 'WRONG_CODE'
  | 'LOCKED'
  | 'EXPIRED'
  | 'NO_PENDING_CALL'
  | 'RATE_LIMITED'
  | 'USER_REJECTED'
  | 'NOT_SIGNED_IN'
  | 'SESSION_REQUIRED'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_TIMEOUT'
  | 'SERVICE_UNAVAILABLE'
  | 'STORE_UNAVAILABLE';

/** Extra fields that a client may act on; everything here is safe to show to the user. */
export interface FlowErrorDetails {
  attemptsLeft?: number;
  retryAfterSeconds?: number;
  /** Name of the counter that rejected a call, for RATE_LIMITED. */
  limit?: string;
}

/**
 * A refusal the browser may see: `status` is the HTTP status, `message` a short sentence for
 * users. Upstream and store details stay in `cause`, which is never sent.
 */
export class LoginByCallFlowError extends Error {
  override readonly name = 'LoginByCallFlowError';
  readonly code: LoginByCallFlowErrorCode;
  readonly status: number;
  readonly details: FlowErrorDetails;

  constructor(
    code: LoginByCallFlowErrorCode,
    status: number,
    message: string,
    details: FlowErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.status = status;
    this.details = details;
  }

  /** Returns the JSON body sent to the browser. */
  toBody(): { error: { code: LoginByCallFlowErrorCode; message: string } & FlowErrorDetails } {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}
