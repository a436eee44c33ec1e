/**
 * Error codes of the LoginByCall v2.0 API. The service responds with HTTP 200 and a JSON body whose
 * `error` field contains one of these codes. It may also return codes listed nowhere (for example
 * `Error` for unexpected failures), so code that reads `error` must keep unknown values as they are.
 */

/** Error class as sent in the `clazz` field. */
export type ErrorClass = 'GENERIC' | 'PROCESS';

export interface ErrorCodeSpec {
  readonly clazz: ErrorClass;
  /** Meaning of the code, in the words of the reference. */
  readonly description: string;
}

export const ERROR_CODES = {
  // Class GENERIC (English v2.0 reference).
  UNEXPECTED: { clazz: 'GENERIC', description: 'Unknown error.' },
  INVALID_ARGS: { clazz: 'GENERIC', description: 'Wrong arguments were sent to the method.' },
  NO_SIGNATURE: { clazz: 'GENERIC', description: 'No digital signature found.' },
  INVALID_SIGNATURE: { clazz: 'GENERIC', description: 'Invalid digital signature.' },

  // Class PROCESS (English v2.0 reference).
  INVALID_TIMESTAMP: {
    clazz: 'PROCESS',
    description: 'timestamp differs from the current time by more than 24 hours.',
  },
  NONCE_ALREADY_USED: { clazz: 'PROCESS', description: 'nonce has already been used.' },
  INVALID_ACCOUNT: { clazz: 'PROCESS', description: 'Unknown customer ID.' },
  ACCOUNT_BLOCKED: {
    clazz: 'PROCESS',
    description: 'The account is suspended (later revision: its access keys are outdated).',
  },
  NOT_ENOUGH_CREDIT: { clazz: 'PROCESS', description: 'The balance is too low: refill it.' },
  CALL_NOT_FOUND: { clazz: 'PROCESS', description: 'Call not found.' },
  CALL_REPEAT_TIMEOUT: {
    clazz: 'PROCESS',
    description: 'A repeated call is allowed after additional.delay seconds.',
  },
  ACCOUNT_ALREADY_REGISTERED: {
    clazz: 'PROCESS',
    description: 'The domain is already registered.',
  },
  ACCOUNT_VERIFY_URL_PROTOCOL: {
    clazz: 'PROCESS',
    description: 'verify_url uses a protocol other than http or https.',
  },
  ACCOUNT_VERIFY_URL_DOMAIN: {
    clazz: 'PROCESS',
    description: 'verify_url is on a different domain than the account.',
  },

  // Added by the later revision.
  ACCOUNT_BLOCKED_ADMIN: {
    clazz: 'PROCESS',
    description: 'The account was blocked by the service administrator.',
  },
  ACCOUNT_INACTIVE: {
    clazz: 'PROCESS',
    description: 'The account or its keys are not activated yet.',
  },
  CALL_REJECTED: { clazz: 'PROCESS', description: 'The call was rejected: try again.' },
  TOO_MANY_ACCOUNTS_REGISTERED: {
    clazz: 'PROCESS',
    description: 'Too many identical registrations: wait a day.',
  },
  INVALID_ACCOUNT_VERIFY_KEY: {
    clazz: 'PROCESS',
    description: 'Domain check failed: the file at verify_url does not contain the call-api-id.',
  },
  INVALID_ACCOUNT_VERIFY_RESPONSE: {
    clazz: 'PROCESS',
    description: 'Domain check failed: fetching verify_url returned an HTTP error.',
  },
} as const satisfies Record<string, ErrorCodeSpec>;

/** A documented error code. The service may send others: type such fields as `string`. */
export type KnownErrorCode = keyof typeof ERROR_CODES;

export function isKnownErrorCode(code: string): code is KnownErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}

/** The body of an error response. Only `error` is guaranteed to be present. */
export interface WireErrorBody {
  error: string;
  clazz?: string;
  reason?: string;
  stack?: string;
  additional?: Record<string, unknown>;
}
