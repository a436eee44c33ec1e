import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { maskPhone } from '../logger.js';
import type { LimitName } from '../passport/events.js';
import { LoginByCallFlowError } from '../passport/flow-error.js';
import type { ResolvedCoreOptions } from '../passport/options.js';
import { failedCodesLimiter, sharedLimiter } from '../passport/shared-limiter.js';
import { StoreUnavailableError } from '../store/types.js';
import type { ResolvedRouterOptions } from './options.js';

/** The client requesting a call, as the keys of the counters. */
export interface CallRequester {
  /** E.164 number. */
  phone: string;
  /** The per-IP key from `ipLimitKey`. */
  ip: string;
  sessionKey: string;
}

/** Maximum wait the repeat gate keeps, in seconds. The service's own timeouts are far shorter. */
const MAX_REPEAT_SECONDS = 3600;

/**
 * The counters checked before a call is placed. They live in the store, so every app instance
 * sharing it reads and writes one count.
 *
 * NOTE: rate-limiter-flexible measures windows with the system clock, not the `clock` option,
 * so a ManualClock moves code expiry but not these windows.
 */
export class CallLimits {
  private readonly consumed: {
    name: LimitName;
    limiter: RateLimiterAbstract;
    key: keyof CallRequester | 'global';
  }[];
  private readonly repeat: RateLimiterAbstract;
  private readonly failedCodes: RateLimiterAbstract | undefined;

  constructor(
    private readonly core: ResolvedCoreOptions,
    private readonly limits: ResolvedRouterOptions['limits'],
  ) {
    const store = core.store;
    this.repeat = sharedLimiter(store, {
      keyPrefix: 'lbc:repeat',
      points: 1,
      durationSeconds: MAX_REPEAT_SECONDS,
    });
    const cap = core.failedCodesPerPhonePerDay;
    this.failedCodes = cap === false ? undefined : failedCodesLimiter(store, cap);
    this.consumed = [];
    const windows = [
      ['perSession', 'sessionKey'],
      ['perIp', 'ip'],
      ['perPhone', 'phone'],
      ['global', 'global'],
    ] as const;
    for (const [name, key] of windows) {
      const window = limits[name];
      if (window === false) continue;
      const limiter = sharedLimiter(store, {
        keyPrefix: `lbc:${name}`,
        points: window.points,
        durationSeconds: window.durationSeconds,
      });
      this.consumed.push({ name, limiter, key });
    }
  }

  /**
   * Counts one call request against every counter, or throws a 429 `LoginByCallFlowError`
   * naming the first counter that rejected it, in the order repeat gate, daily wrong-code cap,
   * `perSession`, `perIp`, `perPhone`, `global`. The two reads and the window consumes are sent
   * together, because each counter key lives in its own Redis Cluster slot and one script
   * cannot cover them all. When any of them refuses, the points the others took are given back,
   * so one exhausted counter does not drain the rest.
   *
   * NOTE: a rejected request keeps its points in the other windows until they are given back, one
   * round trip later, so a parallel request at the edge of a window may be rejected by them.
   */
  async take(requester: CallRequester): Promise<void> {
    const phone = requester.phone;
    const checks: Promise<CheckOutcome>[] = [
      this.read(this.repeat, phone).then(
        (state) => {
          const waitMs = repeatWaitMs(state);
          return waitMs > 0 ? { rejection: this.limitedLater('repeat', waitMs) } : PASSED;
        },
        (error: unknown) => ({ rejection: () => storeUnavailable(error) }),
      ),
      this.checkFailedCodes(phone),
      ...this.consumed.map(({ name, limiter, key }) => {
        const value = key === 'global' ? 'all' : requester[key];
        return limiter.consume(value).then(
          (): CheckOutcome => ({ consumedPoint: { limiter, key: value } }),
          (reason: unknown): CheckOutcome => ({
            rejection:
              reason instanceof RateLimiterRes
                ? this.limitedLater(name, reason.msBeforeNext)
                : () => storeUnavailable(reason),
          }),
        );
      }),
    ];
    const outcomes = await Promise.all(checks);

    const rejected = outcomes.find((outcome) => outcome.rejection !== undefined);
    if (rejected?.rejection === undefined) return;
    const consumedPoints = outcomes.flatMap((outcome) =>
      outcome.consumedPoint ? [outcome.consumedPoint] : [],
    );
    await Promise.allSettled(consumedPoints.map((item) => item.limiter.reward(item.key, 1)));
    throw rejected.rejection(phone);
  }

  /** Refuses new calls to the number for `seconds`, the service's repeat timeout. */
  async holdRepeat(phone: string, seconds: number): Promise<void> {
    if (!(seconds > 0)) return;
    const duration = Math.min(MAX_REPEAT_SECONDS, Math.max(1, Math.ceil(seconds)));
    try {
      await this.repeat.block(phone, duration);
    } catch (error) {
      throw storeUnavailable(error);
    }
  }

  /** Milliseconds until a new call to the number is allowed by the repeat gate; 0 when now. */
  async repeatWaitMs(phone: string): Promise<number> {
    return repeatWaitMs(await this.read(this.repeat, phone));
  }

  private async checkFailedCodes(phone: string): Promise<CheckOutcome> {
    const cap = this.core.failedCodesPerPhonePerDay;
    if (cap === false || this.failedCodes === undefined) return PASSED;
    try {
      const state = await this.read(this.failedCodes, phone);
      if (state !== null && state.consumedPoints >= cap) {
        return { rejection: this.limitedLater('failedCodesPerPhonePerDay', state.msBeforeNext) };
      }
      return PASSED;
    } catch (error) {
      return { rejection: () => storeUnavailable(error) };
    }
  }

  private async read(limiter: RateLimiterAbstract, key: string): Promise<RateLimiterRes | null> {
    try {
      return await limiter.get(key);
    } catch (error) {
      throw storeUnavailable(error);
    }
  }

  /** Defers the error, so that only the counter reported to the client emits `limit-hit`. */
  private limitedLater(limit: LimitName, msBeforeNext: number): (phone: string) => Error {
    return (phone) => this.limited(limit, msBeforeNext, phone);
  }

  private limited(limit: LimitName, msBeforeNext: number, phone: string): LoginByCallFlowError {
    const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
    this.core.emit({ type: 'limit-hit', limit, phone: maskPhone(phone), retryAfterSeconds });
    const message = limitMessage(limit, retryAfterSeconds);
    return new LoginByCallFlowError('RATE_LIMITED', 429, message, { retryAfterSeconds, limit });
  }
}

/** The result of one counter check: points to give back, or the error to throw when rejected. */
interface CheckOutcome {
  consumedPoint?: { limiter: RateLimiterAbstract; key: string };
  rejection?: (phone: string) => Error;
}

const PASSED: CheckOutcome = {};

function repeatWaitMs(state: RateLimiterRes | null): number {
  // block() stores more points than the gate allows, so more than one point means blocked.
  return state !== null && state.consumedPoints > 1 ? state.msBeforeNext : 0;
}

function limitMessage(limit: LimitName, retryAfterSeconds: number): string {
  if (limit === 'repeat') {
    return `A new call to this number is possible in ${retryAfterSeconds} s.`;
  }
  if (limit === 'failedCodesPerPhonePerDay') {
    return `Too many wrong codes for this number: try again in ${retryAfterSeconds} s.`;
  }
  return `Too many requests: try again in ${retryAfterSeconds} s.`;
}

function storeUnavailable(error: unknown): StoreUnavailableError {
  if (error instanceof StoreUnavailableError) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`A rate limiter could not reach the store: ${text}`, {
    cause: error,
  });
}
