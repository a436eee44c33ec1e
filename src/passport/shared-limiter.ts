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

/** Counts wrong codes per number over one day; the router compares the count with its cap. */
export function failedCodesLimiter(store: PendingStore): RateLimiterAbstract {
  return sharedLimiter(store, {
    keyPrefix: 'lbc:failed-codes',
    // The cap is the router's option; this counter only adds up, so points is just a ceiling.
    points: 1_000_000,
    durationSeconds: 86_400,
  });
}
