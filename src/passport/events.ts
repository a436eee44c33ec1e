import type { CallStatusName } from '../protocol/calls.js';

/**
 * Event of a sign-in flow, for metrics and audit logs. `phone` is always masked with
 * `maskPhone` and no event carries code digits or the caller number.
 */
export type LoginByCallEvent =
  | { type: 'call-started'; phone: string; callId: string; codeLength: number }
  | { type: 'call-status'; phone: string; callId: string; status: CallStatusName | 'unknown' }
  | { type: 'call-hung-up'; phone: string; callId: string; reason: HangUpReason }
  | { type: 'code-accepted'; phone: string; callId: string }
  | { type: 'code-rejected'; phone: string; callId: string; attemptsLeft: number }
  | { type: 'attempts-exhausted'; phone: string; callId: string }
  | { type: 'phone-confirmed'; phone: string; callId: string }
  | { type: 'limit-hit'; limit: LimitName; phone?: string; retryAfterSeconds: number }
  | { type: 'upstream-error'; method: string; code: string; phone?: string; callId?: string };

/** Reason the flow hung a call up. */
export type HangUpReason = 'code-accepted' | 'replaced' | 'cancelled';

/** The counters that can refuse a new call. */
export type LimitName =
  'repeat' | 'perPhone' | 'perIp' | 'perSession' | 'global' | 'failedCodesPerPhonePerDay';

export type LoginByCallEventType = LoginByCallEvent['type'];
