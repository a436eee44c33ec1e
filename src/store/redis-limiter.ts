import { RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import { StoreArgumentError } from './errors.js';
import type { RedisAvailabilityGuard, RedisStoreClient } from './redis-guard.js';

type ExtraOptions = { [key: string]: unknown };

/**
 * A RateLimiterRedis whose Redis failures reject with StoreUnavailableError (code
 * `ERR_STORE_UNAVAILABLE`) within the store's command timeout. A refusal because the points are
 * used up still rejects with a RateLimiterRes, as rate-limiter-flexible documents.
 */
export class RedisStoreLimiter extends RateLimiterRedis {
  private readonly guard: RedisAvailabilityGuard;

  constructor(
    client: RedisStoreClient,
    guard: RedisAvailabilityGuard,
    options: { keyPrefix: string; points: number; duration: number; blockDuration: number },
  ) {
    super({ ...options, storeClient: client, rejectIfRedisNotReady: true });
    this.guard = guard;
  }

  override consume(
    key: string | number,
    pointsToConsume?: number,
    options?: ExtraOptions,
  ): Promise<RateLimiterRes> {
    return this.guard.run('limiter.consume', () => super.consume(key, pointsToConsume, options));
  }

  override penalty(
    key: string | number,
    points?: number,
    options?: ExtraOptions,
  ): Promise<RateLimiterRes> {
    return this.guard.run('limiter.penalty', () => super.penalty(key, points, options));
  }

  override reward(
    key: string | number,
    points?: number,
    options?: ExtraOptions,
  ): Promise<RateLimiterRes> {
    return this.guard.run('limiter.reward', () => super.reward(key, points, options));
  }

  override get(key: string | number, options?: ExtraOptions): Promise<RateLimiterRes | null> {
    return this.guard.run('limiter.get', () => super.get(key, options));
  }

  override set(
    key: string | number,
    points: number,
    secDuration: number,
    options?: ExtraOptions,
  ): Promise<RateLimiterRes> {
    requireExpiry('set', secDuration);
    return this.guard.run('limiter.set', () => super.set(key, points, secDuration, options));
  }

  override block(
    key: string | number,
    secDuration: number,
    options?: ExtraOptions,
  ): Promise<RateLimiterRes> {
    requireExpiry('block', secDuration);
    return this.guard.run('limiter.block', () => super.block(key, secDuration, options));
  }

  override delete(key: string | number, options?: ExtraOptions): Promise<boolean> {
    return this.guard.run('limiter.delete', () => super.delete(key, options));
  }
}

/** Rejects a duration of 0, which rate-limiter-flexible stores as a key without a TTL. */
function requireExpiry(method: string, secDuration: number): void {
  if (!Number.isInteger(secDuration) || secDuration < 1) {
    throw new StoreArgumentError(
      `Invalid secDuration ${secDuration} for limiter.${method}: expected an integer >= 1, so that every Redis key expires.`,
    );
  }
}
