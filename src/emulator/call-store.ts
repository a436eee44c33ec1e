import { EvictionQueue } from './eviction-queue.js';
import { randomToken } from './options.js';
import {
  callStateAt,
  statusCodeOf,
  type CallInterruption,
  type CallTiming,
} from './call-timeline.js';
import { scenarioOf, type Scenario } from './scenarios.js';
import type { EmulatorCall } from './types.js';

/** Calls that ended longer ago than this are forgotten, in ms (1 hour). */
export const ENDED_CALL_LIFETIME_MS = 60 * 60 * 1000;

/** Most calls kept at once; past it the oldest are forgotten first. */
export const MAX_CALLS = 10_000;

/** Calls to the same msisdn and ip_address within this many ms are not charged (1 minute). */
export const FREE_REPEAT_MS = 60 * 1000;

export interface CallRecord {
  readonly callId: string;
  readonly accountKey: number;
  readonly msisdn: string;
  readonly ipAddress: string;
  readonly mask: string;
  readonly codeLength: number;
  readonly createdAt: number;
  readonly scenario: Scenario;
  readonly charged: boolean;
  interruption: CallInterruption | null;
}

/** Placed calls and the last call time per account, msisdn and ip_address. */
export class CallStore {
  /** In creation order, which pruning relies on. */
  private readonly calls = new Map<string, CallRecord>();
  /** `<account key> <msisdn> <ip_address>` to the ms time of the last call. */
  private readonly lastCallAt = new Map<string, number>();
  /** Call ids in creation order, for forgetting the oldest past MAX_CALLS. */
  private readonly order = new EvictionQueue<string>();

  constructor(private readonly timing: CallTiming) {}

  /** ms since the last call to this number from this IP by this account, or undefined. */
  sinceLastCall(
    accountKey: number,
    msisdn: string,
    ipAddress: string,
    now: number,
  ): number | undefined {
    const last = this.lastCallAt.get(repeatKey(accountKey, msisdn, ipAddress));
    return last === undefined ? undefined : now - last;
  }

  add(call: Omit<CallRecord, 'callId' | 'scenario' | 'interruption'>): CallRecord {
    const record: CallRecord = {
      ...call,
      callId: randomToken(),
      scenario: scenarioOf(call.msisdn),
      interruption: null,
    };
    this.calls.set(record.callId, record);
    this.order.push(record.callId);
    this.lastCallAt.set(repeatKey(call.accountKey, call.msisdn, call.ipAddress), call.createdAt);
    if (this.calls.size > MAX_CALLS) this.order.evictOldest(this.calls);
    return record;
  }

  get(callId: string): CallRecord | undefined {
    return this.calls.get(callId);
  }

  /** Returns the call as tests and the phone page see it at `now`. */
  view(call: CallRecord, now: number): EmulatorCall {
    const state = callStateAt(call, now, this.timing);
    const view: EmulatorCall = {
      callId: call.callId,
      msisdn: call.msisdn,
      mask: call.mask,
      codeLength: call.codeLength,
      status: state.status,
      statusCode: statusCodeOf(state.status),
      lastError: state.lastError,
      createdAt: call.createdAt,
      updatedAt: state.updatedAt,
      hungUp: state.hungUp,
      charged: call.charged,
    };
    if (state.endedAt !== undefined) view.endedAt = state.endedAt;
    return view;
  }

  /** Lists every call, newest first, optionally only those to one number. */
  list(now: number, msisdn?: string): EmulatorCall[] {
    const views: EmulatorCall[] = [];
    for (const call of this.calls.values()) {
      if (msisdn === undefined || call.msisdn === msisdn) views.push(this.view(call, now));
    }
    return views.reverse();
  }

  /** Forgets calls that ended over an hour ago and repeat times that no longer matter. */
  prune(now: number, repeatTimeoutMs: number): void {
    for (const [callId, call] of this.calls) {
      const endedAt = callStateAt(call, now, this.timing).endedAt;
      if (endedAt !== undefined && now - endedAt > ENDED_CALL_LIFETIME_MS)
        this.calls.delete(callId);
    }
    this.order.reset(this.calls);
    const keepMs = Math.max(repeatTimeoutMs, FREE_REPEAT_MS);
    for (const [key, at] of this.lastCallAt) {
      if (now - at >= keepMs) this.lastCallAt.delete(key);
    }
  }

  size(): number {
    return this.calls.size;
  }
}

function repeatKey(accountKey: number, msisdn: string, ipAddress: string): string {
  return `${accountKey} ${msisdn} ${ipAddress}`;
}
