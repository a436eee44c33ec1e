import { maskPhone } from '../logger.js';
import type { PendingCall } from '../store/types.js';
import type { HangUpReason } from './events.js';
import type { ResolvedCoreOptions } from './options.js';

/**
 * Tells whether a call may still be ringing. A call whose status was never asked counts as ringing,
 * because the service rings for up to 30 s whether or not anyone polls it.
 */
export function mayStillRing(pending: PendingCall): boolean {
  const status = pending.lastStatus;
  return status === undefined || status === 'queued' || status === 'dialing';
}

/**
 * Hangs the call up without making the caller wait: a failure is logged and never reaches the
 * request that triggered it. Returns the promise for callers that want to await it.
 */
export function hangUpInBackground(
  core: ResolvedCoreOptions,
  pending: PendingCall,
  reason: HangUpReason,
): Promise<void> {
  const phone = maskPhone(pending.phone);
  return core.client.callHangup(pending.callId).then(
    () => core.emit({ type: 'call-hung-up', phone, callId: pending.callId, reason }),
    (error: unknown) => {
      core.logger.warn(
        { callId: pending.callId, phone, reason, error: describeError(error) },
        'loginbycall: call-hangup failed; the call ends on its own within 30 s',
      );
    },
  );
}

/** Returns the name, code and message of an error for logs, never its stack. */
export function describeError(error: unknown): { name: string; code?: string; message: string } {
  if (!(error instanceof Error)) return { name: 'unknown', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string'
    ? { name: error.name, code, message: error.message }
    : { name: error.name, message: error.message };
}
