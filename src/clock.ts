/**
 * Time source for everything that expires or rings. Production code uses the system clock;
 * tests pass a ManualClock and move it forward instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that does not move until a test advances or sets it. */
export class ManualClock implements Clock {
  private current: number;

  constructor(startMs: number = Date.now()) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`ManualClock.advance: ms must be a finite number >= 0, got ${ms}`);
    }
    this.current += ms;
  }

  /** Sets the clock to `ms` milliseconds since the epoch. */
  set(ms: number): void {
    if (!Number.isFinite(ms)) {
      throw new RangeError(`ManualClock.set: ms must be a finite number, got ${ms}`);
    }
    this.current = ms;
  }
}
