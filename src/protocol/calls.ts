/**
 * Call statuses returned by `call-status`. Statuses 1 and 2 may still change; the others are
 * final, and the reference advises against polling a call once it reached one of them.
 */
export const CALL_STATUS = {
  queued: 1,
  dialing: 2,
  answered: 4,
  busy: 8,
  notanswered: 16,
  error: 32,
} as const;

export type CallStatusName = keyof typeof CALL_STATUS;
export type CallStatusCode = (typeof CALL_STATUS)[CallStatusName];

const NAMES_BY_CODE = new Map<number, CallStatusName>(
  Object.entries(CALL_STATUS).map(([name, code]) => [code, name as CallStatusName]),
);

/** Returns the status name for a numeric code, or undefined for a code the reference lacks. */
export function callStatusName(code: number): CallStatusName | undefined {
  return NAMES_BY_CODE.get(code);
}

/** Tells whether a call in this status is still queued or ringing. */
export function isCallActive(status: CallStatusName): boolean {
  return status === 'queued' || status === 'dialing';
}

/** How long the service lets a phone ring before it ends the call as `notanswered`, in seconds. */
export const RING_TIMEOUT_SECONDS = 30;
