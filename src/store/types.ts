import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { CallStatusName } from '../protocol/calls.js';

/**
 * A call that was placed for a session and waits for its code. It never contains the code
 * digits or the full caller number: only an HMAC of the expected digits.
 */
export interface PendingCall {
  /** Call identifier returned by the service's `call` method. */
  callId: string;
  /** The called number in E.164 with a leading `+`. */
  phone: string;
  /** The caller number without its last `codeLength` digits: the part the user may see. */
  maskPrefix: string;
  /** How many digits the user must type. */
  codeLength: number;
  /** Hex HMAC-SHA256 of the expected digits under the router's secret, bound to this session and call. */
  codeHash: string;
  /** Code attempts still allowed for this call. */
  attemptsLeft: number;
  /** When the call was placed, in ms since the epoch. */
  createdAt: number;
  /** When the code stops being accepted, in ms since the epoch. */
  expiresAt: number;
  /** When the service allows a new call to this number, in ms since the epoch. */
  repeatAt: number;
  /** The last status the service reported, and when it was asked (ms since the epoch). */
  lastStatus?: CallStatusName;
  statusCheckedAt?: number;
  /** For second-factor use: the id of the signed-in user who started the flow. */
  userKey?: string;
}

/**
 * Result of taking one verification attempt. `attempt` means an attempt was consumed and the
 * record is returned for the caller to compare the code in constant time. `wrong-length` means
 * the typed code has a different number of digits than the call's code, so no attempt was taken.
 */
export type AttemptResult =
  | { outcome: 'attempt'; pending: PendingCall }
  | { outcome: 'wrong-length'; codeLength: number; attemptsLeft: number }
  | { outcome: 'missing' }
  | { outcome: 'expired' }
  | { outcome: 'exhausted' };

/** Options of a shared counter created by a store. */
export interface LimiterOptions {
  /** Distinguishes this counter's keys from every other counter's. */
  keyPrefix: string;
  /** Points allowed per window. */
  points: number;
  /** Window length in seconds. */
  durationSeconds: number;
  /** Seconds a key stays blocked once it used up its points; 0 means until the window ends. */
  blockDurationSeconds?: number;
}

/**
 * Storage for pending calls between `start` and `verify`. Every method is keyed by a session
 * key (the express-session id, or a caller-chosen anchor). Implementations must make
 * `takeAttempt` and `consume` atomic across processes.
 */
export interface PendingStore {
  /** Reads the pending call of a session, or null. Does not consume an attempt. */
  get(sessionKey: string): Promise<PendingCall | null>;

  /**
   * Stores a pending call, replacing any earlier one, until `expiresAt` (plus a grace period).
   * Returns the record it replaced, or null, read in the same atomic step as the write, so that
   * of two parallel puts each learns about the call the other one replaced.
   */
  put(sessionKey: string, pending: PendingCall): Promise<PendingCall | null>;

  /**
   * Atomically consumes one attempt. Returns the record as it was before the attempt, with
   * `attemptsLeft` already decremented. Deletes the record when that was the last attempt, so
   * a later right code fails. `now` is ms since the epoch. When `typedLength` (the number of
   * digits the user typed) is given and differs from the record's `codeLength`, returns
   * `wrong-length` and leaves the record unchanged, in the same atomic step. The checks run in
   * the order missing, expired, exhausted, wrong length.
   */
  takeAttempt(sessionKey: string, now: number, typedLength?: number): Promise<AttemptResult>;

  /**
   * Deletes the pending call only if it is still the one with this call id. Returns true for
   * exactly one caller, which makes a code single-use under parallel requests.
   */
  consume(sessionKey: string, callId: string): Promise<boolean>;

  /** Deletes the pending call of a session and returns it, or null when there was none. */
  delete(sessionKey: string): Promise<PendingCall | null>;

  /** Records the last status seen for the call, if the record still contains that call. */
  saveStatus(
    sessionKey: string,
    callId: string,
    status: CallStatusName,
    checkedAt: number,
  ): Promise<void>;

  /**
   * Creates a counter that every app instance sharing this store reads and updates. A key whose
   * points are used up rejects with a RateLimiterRes; a store failure rejects with
   * StoreUnavailableError (see `isStoreUnavailable`).
   */
  createLimiter(options: LimiterOptions): RateLimiterAbstract;

  /** Releases what the store owns. Clients that the app passed in are left open. */
  close(): Promise<void>;
}

/**
 * Raised when the backing store cannot be reached or did not reply in time. The router
 * responds with 503 to it. Detect it with `isStoreUnavailable(error)`, which also matches by
 * `code`.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'ERR_STORE_UNAVAILABLE';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
