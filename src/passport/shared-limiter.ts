import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimiterOptions, PendingStore } from '../store/types.js';

const limitersByStore = new WeakMap<PendingStore, Map<string, RateLimiterAbstract>>();

/**
 * Returns one limiter per store and key prefix. A memory store keeps counts inside the limiter
 * object, so the strategy and the router must share the object to see the same counts.
 */
export function sharedLimiter(store: PendingStore, options: LimiterOptions): RateLimiterAbstract {
  let limiters = limitersByStore.get(store);
  if (!limiters) {
    limiters = new Map();
    limitersByStore.set(store, limiters);
  }
  const id = `${options.keyPrefix}|${options.points}|${options.durationSeconds}`;
  let limiter = limiters.get(id);
  if (!limiter) {
    limiter = store.createLimiter(options);
    limiters.set(id, limiter);
  }
  return limiter;
}

/**
 * Counts code attempts per number over one day, up to `cap`. The strategy takes a point before
 * it compares a code and gives it back for a right one; the router reads the count before
 * placing a call.
 */
export function failedCodesLimiter(store: PendingStore, cap: number): RateLimiterAbstract {
  return sharedLimiter(store, {
    keyPrefix: 'lbc:failed-codes',
    points: cap,
    durationSeconds: 86_400,
  });
}
