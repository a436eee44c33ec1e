import type { CallStatusCode, CallStatusName } from '../protocol/index.js';
import type { MethodName } from '../protocol/index.js';

/** A call as the emulator shows it to tests and to the virtual phone. */
export interface EmulatorCall {
  /** Call identifier returned by `call`. */
  callId: string;
  /** The called number, E.164 digits without `+`. */
  msisdn: string;
  /** The full caller number; its last `codeLength` digits are the code. */
  mask: string;
  codeLength: number;
  status: CallStatusName;
  statusCode: CallStatusCode;
  /** Error text for the `error` status, otherwise null. */
  lastError: string | null;
  /** When `call` placed the call, in ms since the epoch. */
  createdAt: number;
  /** When the status last changed, in ms since the epoch. */
  updatedAt: number;
  /** When the call reached a final status, in ms since the epoch; absent while it is active. */
  endedAt?: number;
  /** Whether `call-hangup` ended the call. */
  hungUp: boolean;
  /** Whether placing the call took credits from the balance. */
  charged: boolean;
}

/** A fault that the emulator injects into the responses of one method or of all of them. */
export interface EmulatorFault {
  /** Delay before the method runs, in milliseconds of real time. */
  latencyMs?: number;
  /** Respond with this HTTP status (400..599) and do not run the method. */
  httpStatus?: number;
  /** Respond HTTP 200 with a truncated JSON body and do not run the method. */
  malformedBody?: boolean;
  /** Close the TCP connection without a response and do not run the method. */
  dropConnection?: boolean;
}

/** Target of a fault: one method, or `*` for every method without a fault of its own. */
export type FaultTarget = MethodName | '*';

/**
 * Reason an account rejects requests: `suspended` returns ACCOUNT_BLOCKED, `admin` returns
 * ACCOUNT_BLOCKED_ADMIN.
 */
export type BlockReason = 'suspended' | 'admin';

/** One access key pair of an account. */
export interface EmulatorCredential {
  callApiId: string;
  apiKey: string;
  /**
   * `active` keys work, `pending` keys wait for `credential_confirm`, `outdated` keys were
   * replaced by confirmed newer ones and get ACCOUNT_BLOCKED.
   */
  state: 'active' | 'pending' | 'outdated';
  /** URL of the file that `credential_confirm` fetches, which must contain this call-api-id. */
  verifyUrl: string;
  /** When the key pair was issued, in ms since the epoch. */
  createdAt: number;
}

/** An account as the emulator shows it to tests. */
export interface EmulatorAccount {
  domain: string;
  adminEmail: string;
  adminPhone: string | null;
  verifyUrl: string;
  /** Balance notification threshold in credits, -1 when notifications are off. */
  balanceNotifyLimit: number;
  activated: boolean;
  blocked: BlockReason | null;
  allowUnsigned: boolean;
  /** Sum of all payments, in credits. */
  paid: number;
  /** Sum of all charges, in credits. */
  consumed: number;
  credentials: EmulatorCredential[];
  createdAt: number;
}
