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
   * naming the first counter that refused. A refused request gives back the points it took from
   * the counters checked before, so one exhausted counter does not drain the others.
   */
  async take(requester: CallRequester): Promise<void> {
    await this.checkRepeat(requester.phone);
    await this.checkFailedCodes(requester.phone);

    const taken: { limiter: RateLimiterAbstract; key: string }[] = [];
    for (const { name, limiter, key } of this.consumed) {
      const value = key === 'global' ? 'all' : requester[key];
      try {
        await limiter.consume(value);
        taken.push({ limiter, key: value });
      } catch (rejection) {
        await Promise.allSettled(taken.map((item) => item.limiter.reward(item.key, 1)));
        if (rejection instanceof RateLimiterRes) {
          throw this.limited(name, rejection.msBeforeNext, requester.phone);
        }
        throw storeUnavailable(rejection);
      }
    }
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
    const state = await this.read(this.repeat, phone);
    return state !== null && state.consumedPoints > 1 ? state.msBeforeNext : 0;
  }

  private async checkRepeat(phone: string): Promise<void> {
    const waitMs = await this.repeatWaitMs(phone);
    if (waitMs > 0) throw this.limited('repeat', waitMs, phone);
  }

  private async checkFailedCodes(phone: string): Promise<void> {
    const cap = this.core.failedCodesPerPhonePerDay;
    if (cap === false || this.failedCodes === undefined) return;
    const state = await this.read(this.failedCodes, phone);
    if (state !== null && state.consumedPoints >= cap) {
      throw this.limited('failedCodesPerPhonePerDay', state.msBeforeNext, phone);
    }
  }

  private async read(limiter: RateLimiterAbstract, key: string): Promise<RateLimiterRes | null> {
    try {
      return await limiter.get(key);
    } catch (error) {
      throw storeUnavailable(error);
    }
  }

  private limited(limit: LimitName, msBeforeNext: number, phone: string): LoginByCallFlowError {
    const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
    this.core.emit({ type: 'limit-hit', limit, phone: maskPhone(phone), retryAfterSeconds });
    const message = limitMessage(limit, retryAfterSeconds);
    return new LoginByCallFlowError('RATE_LIMITED', 429, message, { retryAfterSeconds, limit });
  }
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
