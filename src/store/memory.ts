import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { systemClock, type Clock } from '../clock.js';
import { consoleLogger, type Logger } from '../logger.js';
import type { CallStatusName } from '../protocol/calls.js';
import {
  StoreUnavailableError,
  type AttemptResult,
  type LimiterOptions,
  type PendingCall,
  type PendingStore,
} from './types.js';
import { StoreOptionError } from './errors.js';
import {
  integerOption,
  rejectUnknownOptions,
  validateCallId,
  validateClock,
  validateLimiterOptions,
  validateLogger,
  validatePendingCall,
  validateSessionKey,
  validateStatus,
  validateTime,
  validateTypedLength,
} from './validate.js';

/** Options of {@link MemoryPendingStore}. */
export interface MemoryPendingStoreOptions {
  /** Time source for expiring records. Default: the system clock. */
  clock?: Clock;
  /** Receives the warning about production use. Default: the console. */
  logger?: Logger;
  /**
   * Seconds a record is kept after its `expiresAt`, so a late verify can still report that the
   * code expired rather than that no call was started. Default: 60.
   */
  graceSeconds?: number;
  /** How often expired records are removed, in ms. Default: 60000 (one minute). */
  sweepIntervalMs?: number;
  /**
   * Maximum number of records kept. Storing one more evicts the oldest, so memory stays bounded
   * even under a flood of sessions. Default: 100000.
   */
  maxEntries?: number;
}

const OWNER = 'MemoryPendingStore';
const KNOWN_OPTIONS = ['clock', 'logger', 'graceSeconds', 'sweepIntervalMs', 'maxEntries'];

interface Entry {
  pending: PendingCall;
  /** When the record is removed: `expiresAt` plus the grace period, in ms since the epoch. */
  removeAt: number;
}

/**
 * Keeps pending calls in this process's memory. Suitable for tests and single-process
 * development only: the records and counters are lost on restart and not shared between
 * processes, so use `RedisPendingStore` in production.
 */
export class MemoryPendingStore implements PendingStore {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly graceMs: number;
  private readonly maxEntries: number;
  private readonly entries = new Map<string, Entry>();
  private readonly sweepTimer: NodeJS.Timeout;
  private warnedFull = false;
  private closed = false;

  constructor(options: MemoryPendingStoreOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new StoreOptionError(
        `${OWNER}: invalid options ${String(options)}: pass an object or nothing.`,
      );
    }
    rejectUnknownOptions(OWNER, options, KNOWN_OPTIONS);
    validateClock(OWNER, options.clock);
    validateLogger(OWNER, options.logger);

    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? consoleLogger;
    this.graceMs = integerOption(OWNER, 'graceSeconds', options.graceSeconds, 60, 0, 86_400) * 1000;
    this.maxEntries = integerOption(OWNER, 'maxEntries', options.maxEntries, 100_000, 1);
    const sweepIntervalMs = integerOption(
      OWNER,
      'sweepIntervalMs',
      options.sweepIntervalMs,
      60_000,
      1000,
      86_400_000,
    );

    // unref: the sweep must not keep a process alive that has nothing else to do.
    this.sweepTimer = setInterval(() => this.sweep(), sweepIntervalMs);
    this.sweepTimer.unref();

    if (process.env.NODE_ENV === 'production') {
      this.logger.warn(
        { store: OWNER },
        'MemoryPendingStore keeps pending calls and rate limits in this process only: they are lost on restart and not shared with other instances. Use RedisPendingStore in production.',
      );
    }
  }

  /** Number of records held, including expired ones that the next sweep removes. */
  get size(): number {
    return this.entries.size;
  }

  async get(sessionKey: string): Promise<PendingCall | null> {
    this.assertOpen();
    validateSessionKey(sessionKey);

    const entry = this.liveEntry(sessionKey);
    return entry ? { ...entry.pending } : null;
  }

  async put(sessionKey: string, pending: PendingCall): Promise<PendingCall | null> {
    this.assertOpen();
    validateSessionKey(sessionKey);
    validatePendingCall(pending);

    const replaced = this.liveEntry(sessionKey)?.pending ?? null;
    // Deleting first moves a replaced record to the end of the insertion order used for eviction.
    this.entries.delete(sessionKey);
    const removeAt = pending.expiresAt + this.graceMs;
    if (removeAt <= this.clock.now()) return replaced;

    this.entries.set(sessionKey, { pending: { ...pending }, removeAt });
    this.evictOverflow();
    return replaced;
  }

  async takeAttempt(sessionKey: string, now: number, typedLength?: number): Promise<AttemptResult> {
    this.assertOpen();
    validateSessionKey(sessionKey);
    validateTime('now', now);
    validateTypedLength(typedLength);

    const entry = this.liveEntry(sessionKey);
    if (!entry) return { outcome: 'missing' };
    const { pending } = entry;
    if (now >= pending.expiresAt) return { outcome: 'expired' };
    if (pending.attemptsLeft <= 0) {
      this.entries.delete(sessionKey);
      return { outcome: 'exhausted' };
    }
    if (typedLength !== undefined && typedLength !== pending.codeLength) {
      const { codeLength, attemptsLeft } = pending;
      return { outcome: 'wrong-length', codeLength, attemptsLeft };
    }

    entry.pending.attemptsLeft -= 1;
    if (entry.pending.attemptsLeft === 0) this.entries.delete(sessionKey);
    return { outcome: 'attempt', pending: { ...entry.pending } };
  }

  async consume(sessionKey: string, callId: string): Promise<boolean> {
    this.assertOpen();
    validateSessionKey(sessionKey);
    validateCallId(callId);

    const entry = this.liveEntry(sessionKey);
    if (!entry || entry.pending.callId !== callId) return false;
    this.entries.delete(sessionKey);
    return true;
  }

  async delete(sessionKey: string): Promise<PendingCall | null> {
    this.assertOpen();
    validateSessionKey(sessionKey);

    const entry = this.liveEntry(sessionKey);
    if (!entry) return null;
    this.entries.delete(sessionKey);
    return entry.pending;
  }

  async saveStatus(
    sessionKey: string,
    callId: string,
    status: CallStatusName,
    checkedAt: number,
  ): Promise<void> {
    this.assertOpen();
    validateSessionKey(sessionKey);
    validateCallId(callId);
    validateStatus(status);
    validateTime('checkedAt', checkedAt);

    const entry = this.liveEntry(sessionKey);
    if (!entry || entry.pending.callId !== callId) return;
    entry.pending.lastStatus = status;
    entry.pending.statusCheckedAt = checkedAt;
  }

  /**
   * Creates a counter in this process's memory. It uses the system clock, not the `clock`
   * option, because rate-limiter-flexible reads `Date.now()` itself.
   */
  createLimiter(options: LimiterOptions): RateLimiterAbstract {
    validateLimiterOptions(OWNER, options);
    return new RateLimiterMemory({
      keyPrefix: options.keyPrefix,
      points: options.points,
      duration: options.durationSeconds,
      blockDuration: options.blockDurationSeconds ?? 0,
    });
  }

  /** Removes expired records now and returns how many were removed. */
  sweep(): number {
    const now = this.clock.now();
    let removed = 0;
    for (const [sessionKey, entry] of this.entries) {
      if (entry.removeAt <= now) {
        this.entries.delete(sessionKey);
        removed += 1;
      }
    }
    return removed;
  }

  /** Stops the sweep and drops every record. Later calls reject with StoreUnavailableError. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.entries.clear();
  }

  private liveEntry(sessionKey: string): Entry | undefined {
    const entry = this.entries.get(sessionKey);
    if (!entry) return undefined;
    if (entry.removeAt <= this.clock.now()) {
      this.entries.delete(sessionKey);
      return undefined;
    }
    return entry;
  }

  private evictOverflow(): void {
    if (this.entries.size <= this.maxEntries) return;

    // Map iteration follows insertion order, so the first keys are the oldest records.
    for (const sessionKey of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(sessionKey);
    }
    if (!this.warnedFull) {
      this.warnedFull = true;
      this.logger.warn(
        { store: OWNER, maxEntries: this.maxEntries },
        'MemoryPendingStore reached maxEntries and evicts the oldest pending calls. Raise maxEntries or use RedisPendingStore.',
      );
    }
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new StoreUnavailableError(`${OWNER} was closed: create a new store to continue.`);
    }
  }
}
