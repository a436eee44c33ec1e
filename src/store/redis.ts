import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { systemClock, type Clock } from '../clock.js';
import type { CallStatusName } from '../protocol/calls.js';
import { StoreDataError, StoreOptionError } from './errors.js';
import { decodePendingCall, encodePendingCall, pairsToObject } from './redis-codec.js';
import { RedisAvailabilityGuard, runScript, type RedisStoreClient } from './redis-guard.js';
import { RedisStoreLimiter } from './redis-limiter.js';
import {
  CONSUME_SCRIPT,
  DELETE_SCRIPT,
  PUT_SCRIPT,
  SAVE_STATUS_SCRIPT,
  TAKE_ATTEMPT_SCRIPT,
} from './redis-scripts.js';
import {
  StoreUnavailableError,
  type AttemptResult,
  type LimiterOptions,
  type PendingCall,
  type PendingStore,
} from './types.js';
import {
  integerOption,
  rejectUnknownOptions,
  validateCallId,
  validateClock,
  validateLimiterOptions,
  validatePendingCall,
  validateSessionKey,
  validateStatus,
  validateTime,
  validateTypedLength,
} from './validate.js';

/** Options of {@link RedisPendingStore}. */
export interface RedisPendingStoreOptions {
  /**
   * An ioredis 5 `Redis` or `Cluster` client that the app creates and owns. The store never
   * closes it. Required.
   */
  client: RedisStoreClient;
  /**
   * Prefix of every key the store writes, so several apps can share one Redis. Must not contain
   * `{` or `}`. Default: `'lbc:'`.
   */
  keyPrefix?: string;
  /**
   * Maximum time one operation waits for Redis, in ms, including the wait for a lost connection
   * to come back. After it the operation rejects with StoreUnavailableError. Default: 1000.
   */
  commandTimeoutMs?: number;
  /**
   * Seconds a record is kept after its `expiresAt`, so a late verify can still report that the
   * code expired rather than that no call was started. Default: 60.
   */
  graceSeconds?: number;
  /** Time source used to compute key TTLs. Default: the system clock. */
  clock?: Clock;
}

const OWNER = 'RedisPendingStore';
const KNOWN_OPTIONS = ['client', 'keyPrefix', 'commandTimeoutMs', 'graceSeconds', 'clock'];
const MAX_KEY_PREFIX_LENGTH = 100;

/**
 * Keeps pending calls in Redis so that every app instance reads the same records and counters.
 * Each session's record is one hash at `<keyPrefix>{<sessionKey>}:pending` with a TTL of
 * `expiresAt` plus `graceSeconds`. Attempts, consume and status updates run as Lua scripts, so
 * they are atomic across processes. The braces form a Redis Cluster hash tag, so every key of
 * one session lives in one slot and later multi-key scripts stay valid on Cluster.
 */
export class RedisPendingStore implements PendingStore {
  private readonly client: RedisStoreClient;
  private readonly keyPrefix: string;
  private readonly graceMs: number;
  private readonly clock: Clock;
  private readonly guard: RedisAvailabilityGuard;
  private closed = false;

  constructor(options: RedisPendingStoreOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new StoreOptionError(`${OWNER}: missing options: pass { client: new Redis(url) }.`);
    }
    rejectUnknownOptions(OWNER, options, KNOWN_OPTIONS);
    this.client = checkClient(options.client);
    this.keyPrefix = checkKeyPrefix(options.keyPrefix);
    validateClock(OWNER, options.clock);
    this.clock = options.clock ?? systemClock;
    this.graceMs = integerOption(OWNER, 'graceSeconds', options.graceSeconds, 60, 0, 86_400) * 1000;
    const timeoutMs = integerOption(
      OWNER,
      'commandTimeoutMs',
      options.commandTimeoutMs,
      1000,
      10,
      60_000,
    );
    this.guard = new RedisAvailabilityGuard(this.client, timeoutMs, OWNER);
  }

  /** Returns the Redis key of a session's pending call. */
  pendingKey(sessionKey: string): string {
    validateSessionKey(sessionKey);
    return `${this.keyPrefix}{${sessionKey}}:pending`;
  }

  async get(sessionKey: string): Promise<PendingCall | null> {
    const key = this.openKey(sessionKey);
    const fields = await this.guard.run('get', () => this.client.hgetall(key));
    return decodePendingCall(key, fields);
  }

  async put(sessionKey: string, pending: PendingCall): Promise<PendingCall | null> {
    const key = this.openKey(sessionKey);
    validatePendingCall(pending);

    const ttlMs = pending.expiresAt + this.graceMs - this.clock.now();
    const args = [Math.ceil(ttlMs), ...encodePendingCall(pending)];
    const replaced = await this.guard.run('put', () =>
      runScript(this.client, PUT_SCRIPT, key, args),
    );
    try {
      return decodePendingCall(key, pairsToObject(replaced));
    } catch (error) {
      // The new record is written already; a damaged old one only means there is nothing to hang up.
      if (error instanceof StoreDataError) return null;
      throw error;
    }
  }

  async takeAttempt(sessionKey: string, now: number, typedLength?: number): Promise<AttemptResult> {
    const key = this.openKey(sessionKey);
    validateTime('now', now);
    validateTypedLength(typedLength);

    const reply = await this.guard.run('takeAttempt', () =>
      runScript(this.client, TAKE_ATTEMPT_SCRIPT, key, [now, typedLength ?? '']),
    );
    const [outcome, pairs, attemptsLeft] = reply as [string, unknown?, unknown?];
    if (outcome === 'missing' || outcome === 'expired' || outcome === 'exhausted') {
      return { outcome };
    }
    if (outcome === 'wrong-length') return wrongLength(key, pairs, attemptsLeft);

    const pending = decodePendingCall(key, pairsToObject(pairs));
    if (outcome !== 'attempt' || pending === null) {
      throw new StoreDataError(
        `${OWNER}.takeAttempt: unexpected reply from Redis: ${String(outcome)}`,
      );
    }
    pending.attemptsLeft -= 1;
    return { outcome: 'attempt', pending };
  }

  async consume(sessionKey: string, callId: string): Promise<boolean> {
    const key = this.openKey(sessionKey);
    validateCallId(callId);

    const deleted = await this.guard.run('consume', () =>
      runScript(this.client, CONSUME_SCRIPT, key, [callId]),
    );
    return deleted === 1;
  }

  async delete(sessionKey: string): Promise<PendingCall | null> {
    const key = this.openKey(sessionKey);
    const pairs = await this.guard.run('delete', () =>
      runScript(this.client, DELETE_SCRIPT, key, []),
    );
    return decodePendingCall(key, pairsToObject(pairs));
  }

  async saveStatus(
    sessionKey: string,
    callId: string,
    status: CallStatusName,
    checkedAt: number,
  ): Promise<void> {
    const key = this.openKey(sessionKey);
    validateCallId(callId);
    validateStatus(status);
    validateTime('checkedAt', checkedAt);

    await this.guard.run('saveStatus', () =>
      runScript(this.client, SAVE_STATUS_SCRIPT, key, [callId, status, checkedAt]),
    );
  }

  /**
   * Creates a counter in Redis under `<keyPrefix>limit:<options.keyPrefix>:`, shared by every
   * store on the same Redis. Redis failures reject with StoreUnavailableError (check with
   * `isStoreUnavailable`). A used-up key rejects with a RateLimiterRes as usual.
   */
  createLimiter(options: LimiterOptions): RateLimiterAbstract {
    validateLimiterOptions(OWNER, options);
    return new RedisStoreLimiter(this.client, this.guard, {
      keyPrefix: `${this.keyPrefix}limit:${options.keyPrefix}`,
      points: options.points,
      duration: options.durationSeconds,
      blockDuration: options.blockDurationSeconds ?? 0,
    });
  }

  /**
   * Stops using the client, which stays open because the app owns it. Later calls reject with
   * StoreUnavailableError. Limiters created earlier keep working.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.guard.detach();
  }

  private openKey(sessionKey: string): string {
    if (this.closed) {
      throw new StoreUnavailableError(`${OWNER} was closed: create a new store to continue.`);
    }
    return this.pendingKey(sessionKey);
  }
}

/** Decodes the script's `wrong-length` reply: the stored code length and attempts left. */
function wrongLength(key: string, codeLength: unknown, attemptsLeft: unknown): AttemptResult {
  const length = Number(codeLength);
  const left = Number(attemptsLeft);
  if (!Number.isInteger(length) || length < 1 || !Number.isInteger(left) || left < 1) {
    throw new StoreDataError(
      `${OWNER}.takeAttempt: damaged record at ${key}: codeLength ${String(codeLength)}, attemptsLeft ${String(attemptsLeft)}.`,
    );
  }
  return { outcome: 'wrong-length', codeLength: length, attemptsLeft: left };
}

function checkClient(client: unknown): RedisStoreClient {
  const looksLikeIoredis =
    typeof client === 'object' &&
    client !== null &&
    typeof (client as { evalsha?: unknown }).evalsha === 'function' &&
    typeof (client as { hgetall?: unknown }).hgetall === 'function' &&
    typeof (client as { status?: unknown }).status === 'string';
  if (!looksLikeIoredis) {
    throw new StoreOptionError(
      `${OWNER}: invalid client ${client === undefined ? 'undefined' : typeof client}: pass an ioredis 5 Redis or Cluster instance, such as new Redis(process.env.REDIS_URL).`,
    );
  }
  return client as RedisStoreClient;
}

function checkKeyPrefix(keyPrefix: unknown): string {
  if (keyPrefix === undefined) return 'lbc:';
  const valid =
    typeof keyPrefix === 'string' &&
    keyPrefix.length <= MAX_KEY_PREFIX_LENGTH &&
    !keyPrefix.includes('{') &&
    !keyPrefix.includes('}');
  if (!valid) {
    throw new StoreOptionError(
      `${OWNER}: invalid keyPrefix ${JSON.stringify(keyPrefix)}: expected a string of at most ${MAX_KEY_PREFIX_LENGTH} characters without '{' or '}'. Omit it to use 'lbc:'.`,
    );
  }
  return keyPrefix;
}
