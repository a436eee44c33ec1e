import { CALL_STATUS, type CallStatusName } from '../protocol/index.js';
import { SCENARIO_ERROR_TEXT, type Scenario } from './scenarios.js';

/** Early end of a call: `call-hangup`, or the owner of the virtual phone. */
export interface CallInterruption {
  kind: 'hangup' | 'answered' | 'busy';
  /** ms since the epoch. */
  at: number;
}

export interface CallTimelineInput {
  createdAt: number;
  scenario: Scenario;
  interruption: CallInterruption | null;
}

export interface CallState {
  status: CallStatusName;
  lastError: string | null;
  /** When the call entered this status, in ms since the epoch. */
  updatedAt: number;
  /** When the call reached its final status; undefined while it is queued or dialing. */
  endedAt: number | undefined;
  hungUp: boolean;
}

export interface CallTiming {
  /** ms a call stays queued. */
  queueMs: number;
  /** ms a phone rings before `notanswered`. */
  ringMs: number;
}

/** ms of ringing before the user of the `busy` scenario rejects the call. */
const BUSY_AFTER_MS = 2_000;
/** ms of ringing before the user of the `answered` scenario picks up. */
const ANSWERED_AFTER_MS = 3_000;

/**
 * Computes the state of a call at `now` from its timestamps, so no timer runs per call: queued
 * for queueMs, then dialing until the scenario's outcome or an interruption ends it.
 *
 * `call-hangup` ends the call as `notanswered` with `hungUp` set. The reference describes
 * `notanswered` as a call that the user neither picked up nor rejected, as when a site hangs up
 * once the code was typed. `busy` would claim that the user rejected it.
 */
export function callStateAt(call: CallTimelineInput, now: number, timing: CallTiming): CallState {
  const queueEnd = call.createdAt + timing.queueMs;
  let end = naturalEnd(call.scenario, queueEnd, timing.ringMs);
  let finalStatus = naturalOutcome(call.scenario);
  let hungUp = false;

  const interruption = call.interruption;
  if (interruption !== null && interruption.at < end.at) {
    end = { at: interruption.at };
    finalStatus = interruption.kind === 'hangup' ? 'notanswered' : interruption.kind;
    hungUp = interruption.kind === 'hangup';
  }

  if (now >= end.at) {
    return {
      status: finalStatus,
      lastError: finalStatus === 'error' ? SCENARIO_ERROR_TEXT : null,
      updatedAt: end.at,
      endedAt: end.at,
      hungUp,
    };
  }
  if (now < queueEnd) {
    return {
      status: 'queued',
      lastError: null,
      updatedAt: call.createdAt,
      endedAt: undefined,
      hungUp: false,
    };
  }
  return {
    status: 'dialing',
    lastError: null,
    updatedAt: queueEnd,
    endedAt: undefined,
    hungUp: false,
  };
}

function naturalEnd(scenario: Scenario, queueEnd: number, ringMs: number): { at: number } {
  switch (scenario) {
    case 'busy':
      return { at: queueEnd + Math.min(BUSY_AFTER_MS, ringMs) };
    case 'answered':
      return { at: queueEnd + Math.min(ANSWERED_AFTER_MS, ringMs) };
    case 'error':
      return { at: queueEnd };
    default:
      return { at: queueEnd + ringMs };
  }
}

function naturalOutcome(scenario: Scenario): CallStatusName {
  switch (scenario) {
    case 'busy':
      return 'busy';
    case 'answered':
      return 'answered';
    case 'error':
      return 'error';
    default:
      return 'notanswered';
  }
}

export function statusCodeOf(status: CallStatusName): (typeof CALL_STATUS)[CallStatusName] {
  return CALL_STATUS[status];
}
