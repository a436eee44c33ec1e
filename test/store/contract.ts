import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { ManualClock } from '../../src/clock.js';
import { MAX_SESSION_KEY_LENGTH } from '../../src/store/validate.js';
import type { AttemptResult, PendingCall, PendingStore } from '../../src/store/types.js';

/** Grace period that every store under test must be created with, in seconds. */
export const CONTRACT_GRACE_SECONDS = 30;

export interface ContractSetup {
  clock: ManualClock;
  graceSeconds: number;
}

export interface ContractTarget {
  store: PendingStore;
  /** A second store on the same backing data. Required when `sharedBacking` is set. */
  sibling?: PendingStore;
  /** Remaining TTL in ms of every key the stores wrote. Required when `sharedBacking` is set. */
  keyTtls?: () => Promise<Map<string, number>>;
  /** Closes the stores and whatever the target opened for them. */
  cleanup(): Promise<void>;
}

/** Builds a pending call that expires five minutes after `now`. */
export function samplePending(now: number, overrides: Partial<PendingCall> = {}): PendingCall {
  return {
    callId: 'call-1',
    phone: '+79990000001',
    maskPrefix: '+7999000',
    codeLength: 4,
    codeHash: 'a'.repeat(64),
    attemptsLeft: 3,
    createdAt: now,
    expiresAt: now + 300_000,
    repeatAt: now + 60_000,
    ...overrides,
  };
}

/**
 * Runs the behaviour every PendingStore must share against the store that `makeTarget`
 * creates for each test. The target must use `setup.clock` and `setup.graceSeconds`.
 */
export function describePendingStoreContract(
  name: string,
  makeTarget: (setup: ContractSetup) => Promise<ContractTarget>,
  features: { sharedBacking: boolean },
): void {
  describe(`${name} (PendingStore contract)`, () => {
    let clock: ManualClock;
    let target: ContractTarget;
    let store: PendingStore;

    beforeEach(async () => {
      clock = new ManualClock(Date.now());
      target = await makeTarget({ clock, graceSeconds: CONTRACT_GRACE_SECONDS });
      store = target.store;
    });

    afterEach(async () => {
      await target.cleanup();
    });

    it('get returns null for an unknown session', async () => {
      expect(await store.get('nobody')).toBeNull();
    });

    it('put then get returns the record', async () => {
      const pending = samplePending(clock.now(), {
        lastStatus: 'dialing',
        statusCheckedAt: clock.now() + 5,
        userKey: 'user-42',
      });

      await store.put('s1', pending);

      expect(await store.get('s1')).toEqual(pending);
    });

    it('put keeps optional fields absent', async () => {
      await store.put('s1', samplePending(clock.now()));

      const stored = await store.get('s1');
      expect(stored).not.toBeNull();
      expect(stored).not.toHaveProperty('lastStatus');
      expect(stored).not.toHaveProperty('statusCheckedAt');
      expect(stored).not.toHaveProperty('userKey');
    });

    it('put replaces the earlier record', async () => {
      await store.put('s1', samplePending(clock.now(), { callId: 'old', userKey: 'u1' }));
      const replacement = samplePending(clock.now(), { callId: 'new', attemptsLeft: 5 });

      await store.put('s1', replacement);

      expect(await store.get('s1')).toEqual(replacement);
    });

    it('put returns the record it replaced', async () => {
      const first = samplePending(clock.now(), { callId: 'first', lastStatus: 'dialing' });

      expect(await store.put('s1', first)).toBeNull();
      const replaced = await store.put('s1', samplePending(clock.now(), { callId: 'second' }));

      expect(replaced).toEqual(first);
    });

    it('parallel puts each return a different replaced record', async () => {
      await store.put('s1', samplePending(clock.now(), { callId: 'call-0' }));
      const callIds = ['call-1', 'call-2', 'call-3', 'call-4'];

      const replaced = await Promise.all(
        callIds.map((callId) => store.put('s1', samplePending(clock.now(), { callId }))),
      );

      const stored = (await store.get('s1'))?.callId;
      const replacedIds = replaced.map((record) => record?.callId).sort();
      const everyId = ['call-0', ...callIds];
      // Every call but the stored one was replaced exactly once, so each can be hung up.
      expect(replacedIds).toEqual(everyId.filter((id) => id !== stored).sort());
    });

    it('get returns a copy', async () => {
      await store.put('s1', samplePending(clock.now()));

      const first = await store.get('s1');
      first!.attemptsLeft = 99;

      expect((await store.get('s1'))?.attemptsLeft).toBe(3);
    });

    it('delete returns and removes the record', async () => {
      const pending = samplePending(clock.now());
      await store.put('s1', pending);

      expect(await store.delete('s1')).toEqual(pending);
      expect(await store.get('s1')).toBeNull();
      expect(await store.delete('s1')).toBeNull();
    });

    it('put past the grace period stores nothing', async () => {
      await store.put('s1', samplePending(clock.now()));
      const graceMs = CONTRACT_GRACE_SECONDS * 1000;
      const dead = samplePending(clock.now(), { expiresAt: clock.now() - graceMs - 1 });

      await store.put('s1', dead);

      expect(await store.get('s1')).toBeNull();
    });

    it('get keeps an expired record within grace', async () => {
      const pending = samplePending(clock.now(), { expiresAt: clock.now() - 1000 });

      await store.put('s1', pending);

      expect(await store.get('s1')).toEqual(pending);
      expect(await store.takeAttempt('s1', clock.now())).toEqual({ outcome: 'expired' });
    });

    it('takeAttempt decrements attemptsLeft', async () => {
      const pending = samplePending(clock.now());
      await store.put('s1', pending);

      const result = await store.takeAttempt('s1', clock.now());

      expect(result).toEqual({ outcome: 'attempt', pending: { ...pending, attemptsLeft: 2 } });
      expect((await store.get('s1'))?.attemptsLeft).toBe(2);
    });

    it('takeAttempt checks expiry against now', async () => {
      const pending = samplePending(clock.now());
      await store.put('s1', pending);

      clock.advance(299_999);
      expect((await store.takeAttempt('s1', clock.now())).outcome).toBe('attempt');

      clock.advance(1);
      expect(await store.takeAttempt('s1', clock.now())).toEqual({ outcome: 'expired' });
      expect((await store.get('s1'))?.attemptsLeft).toBe(2);
    });

    it('takeAttempt deletes on the last attempt', async () => {
      await store.put('s1', samplePending(clock.now(), { attemptsLeft: 2 }));

      const first = await store.takeAttempt('s1', clock.now());
      const last = await store.takeAttempt('s1', clock.now());
      const after = await store.takeAttempt('s1', clock.now());

      expect(first).toMatchObject({ outcome: 'attempt', pending: { attemptsLeft: 1 } });
      expect(last).toMatchObject({ outcome: 'attempt', pending: { attemptsLeft: 0 } });
      expect(after).toEqual({ outcome: 'missing' });
      expect(await store.get('s1')).toBeNull();
    });

    it('takeAttempt reports exhausted at zero', async () => {
      await store.put('s1', samplePending(clock.now(), { attemptsLeft: 0 }));

      expect(await store.takeAttempt('s1', clock.now())).toEqual({ outcome: 'exhausted' });
      expect(await store.get('s1')).toBeNull();
    });

    it('takeAttempt reports missing for unknown session', async () => {
      expect(await store.takeAttempt('nobody', clock.now())).toEqual({ outcome: 'missing' });
    });

    it('takeAttempt with the right length takes an attempt', async () => {
      const pending = samplePending(clock.now());
      await store.put('s1', pending);

      const result = await store.takeAttempt('s1', clock.now(), 4);

      expect(result).toEqual({ outcome: 'attempt', pending: { ...pending, attemptsLeft: 2 } });
      expect((await store.get('s1'))?.attemptsLeft).toBe(2);
    });

    it('takeAttempt with a wrong length takes none', async () => {
      const pending = samplePending(clock.now(), { codeLength: 4, attemptsLeft: 1 });
      await store.put('s1', pending);

      for (const typedLength of [3, 5, 12]) {
        expect(await store.takeAttempt('s1', clock.now(), typedLength)).toEqual({
          outcome: 'wrong-length',
          codeLength: 4,
          attemptsLeft: 1,
        });
      }
      expect(await store.get('s1')).toEqual(pending);
    });

    it('takeAttempt checks length after expiry', async () => {
      await store.put('s1', samplePending(clock.now(), { expiresAt: clock.now() - 1000 }));
      await store.put('s2', samplePending(clock.now(), { attemptsLeft: 0 }));

      expect(await store.takeAttempt('s1', clock.now(), 5)).toEqual({ outcome: 'expired' });
      expect(await store.takeAttempt('s2', clock.now(), 5)).toEqual({ outcome: 'exhausted' });
      expect(await store.takeAttempt('nobody', clock.now(), 5)).toEqual({ outcome: 'missing' });
    });

    it('takeAttempt rejects an invalid typed length', async () => {
      await store.put('s1', samplePending(clock.now()));

      for (const typedLength of [0, -1, 1.5, 101, Number.NaN]) {
        await expect(store.takeAttempt('s1', clock.now(), typedLength)).rejects.toMatchObject({
          code: 'ERR_STORE_INVALID_ARGUMENT',
        });
      }
      expect((await store.get('s1'))?.attemptsLeft).toBe(3);
    });

    it('parallel takeAttempt of mixed lengths', async () => {
      await store.put('s1', samplePending(clock.now(), { attemptsLeft: 3 }));

      const results: AttemptResult[] = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          store.takeAttempt('s1', clock.now(), index % 2 === 0 ? 4 : 5),
        ),
      );

      const attempts = results.filter((result) => result.outcome === 'attempt');
      const wrongLength = results.filter((result) => result.outcome === 'wrong-length');
      expect(attempts).toHaveLength(3);
      expect(wrongLength.length).toBeGreaterThan(0);
      expect(await store.get('s1')).toBeNull();
    });

    it('parallel takeAttempt consumes exactly attemptsLeft', async () => {
      await store.put('s1', samplePending(clock.now(), { attemptsLeft: 5 }));

      const results: AttemptResult[] = await Promise.all(
        Array.from({ length: 30 }, () => store.takeAttempt('s1', clock.now())),
      );

      const attempts = results.flatMap((result) =>
        result.outcome === 'attempt' ? [result.pending.attemptsLeft] : [],
      );
      const refused = results.filter(
        (result) => result.outcome === 'exhausted' || result.outcome === 'missing',
      );
      expect(attempts.sort()).toEqual([0, 1, 2, 3, 4]);
      expect(refused).toHaveLength(25);
      expect(await store.get('s1')).toBeNull();
    });

    it('parallel consume succeeds exactly once', async () => {
      await store.put('s1', samplePending(clock.now(), { callId: 'call-7' }));

      const results = await Promise.all(
        Array.from({ length: 20 }, () => store.consume('s1', 'call-7')),
      );

      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.get('s1')).toBeNull();
    });

    it('consume rejects a stale call id', async () => {
      const pending = samplePending(clock.now(), { callId: 'call-new' });
      await store.put('s1', pending);

      expect(await store.consume('s1', 'call-old')).toBe(false);
      expect(await store.get('s1')).toEqual(pending);
      expect(await store.consume('nobody', 'call-new')).toBe(false);
    });

    it('saveStatus updates the matching call', async () => {
      await store.put('s1', samplePending(clock.now(), { callId: 'call-1' }));

      await store.saveStatus('s1', 'call-1', 'answered', clock.now() + 10);

      const stored = await store.get('s1');
      expect(stored?.lastStatus).toBe('answered');
      expect(stored?.statusCheckedAt).toBe(clock.now() + 10);
      expect(stored?.attemptsLeft).toBe(3);
    });

    it('saveStatus ignores a stale call id', async () => {
      const pending = samplePending(clock.now(), { callId: 'call-new' });
      await store.put('s1', pending);

      await store.saveStatus('s1', 'call-old', 'busy', clock.now());
      await store.saveStatus('nobody', 'call-new', 'busy', clock.now());

      expect(await store.get('s1')).toEqual(pending);
      expect(await store.get('nobody')).toBeNull();
    });

    it('sessions are independent', async () => {
      const first = samplePending(clock.now(), { callId: 'call-a' });
      const second = samplePending(clock.now(), { callId: 'call-b', attemptsLeft: 1 });
      await store.put('session-a', first);
      await store.put('session-b', second);

      await store.takeAttempt('session-b', clock.now());
      await store.saveStatus('session-a', 'call-a', 'busy', clock.now());

      expect(await store.get('session-b')).toBeNull();
      expect(await store.get('session-a')).toEqual({
        ...first,
        lastStatus: 'busy',
        statusCheckedAt: clock.now(),
      });
      expect(await store.consume('session-a', 'call-b')).toBe(false);
    });

    it('session keys are validated', async () => {
      const invalid = ['', 'a{b', 'a}b', 'x'.repeat(MAX_SESSION_KEY_LENGTH + 1)];
      for (const sessionKey of invalid) {
        await expect(store.get(sessionKey)).rejects.toMatchObject({
          code: 'ERR_STORE_INVALID_ARGUMENT',
        });
        await expect(store.put(sessionKey, samplePending(clock.now()))).rejects.toMatchObject({
          code: 'ERR_STORE_INVALID_ARGUMENT',
        });
        await expect(store.takeAttempt(sessionKey, clock.now())).rejects.toMatchObject({
          code: 'ERR_STORE_INVALID_ARGUMENT',
        });
      }
      await expect(store.get('x'.repeat(MAX_SESSION_KEY_LENGTH))).resolves.toBeNull();
    });

    it('put rejects an invalid record', async () => {
      const invalid = [
        samplePending(clock.now(), { callId: '' }),
        samplePending(clock.now(), { attemptsLeft: -1 }),
        samplePending(clock.now(), { expiresAt: Number.NaN }),
        { ...samplePending(clock.now()), lastStatus: 'ringing' } as unknown as PendingCall,
      ];
      for (const pending of invalid) {
        await expect(store.put('s1', pending)).rejects.toMatchObject({
          code: 'ERR_STORE_INVALID_ARGUMENT',
        });
      }
      expect(await store.get('s1')).toBeNull();
    });

    it('limiter counts and blocks', async () => {
      const limiter = store.createLimiter({
        keyPrefix: 'phone',
        points: 3,
        durationSeconds: 60,
        blockDurationSeconds: 120,
      });

      const first = await limiter.consume('+79990000001');
      await limiter.consume('+79990000001');
      await limiter.consume('+79990000001');
      const refusal: unknown = await limiter.consume('+79990000001').catch((error) => error);
      const other = await limiter.consume('+79990000002');

      expect(first.remainingPoints).toBe(2);
      expect(refusal).toBeInstanceOf(RateLimiterRes);
      expect((refusal as RateLimiterRes).msBeforeNext).toBeGreaterThan(60_000);
      expect(other.remainingPoints).toBe(2);
    });

    it('limiter rejects invalid options', () => {
      expect(() => store.createLimiter({ keyPrefix: '', points: 1, durationSeconds: 1 })).toThrow(
        /keyPrefix/,
      );
      expect(() => store.createLimiter({ keyPrefix: 'ip', points: 0, durationSeconds: 1 })).toThrow(
        /points/,
      );
      expect(() =>
        store.createLimiter({ keyPrefix: 'ip', points: 1, durationSeconds: 1.5 }),
      ).toThrow(/durationSeconds/);
    });

    if (!features.sharedBacking) return;

    it('sibling store shares records and limits', async () => {
      const sibling = target.sibling;
      if (!sibling) throw new Error('A target with sharedBacking must provide sibling');
      const pending = samplePending(clock.now());
      await store.put('s1', pending);
      const limiterA = store.createLimiter({ keyPrefix: 'ip', points: 2, durationSeconds: 60 });
      const limiterB = sibling.createLimiter({ keyPrefix: 'ip', points: 2, durationSeconds: 60 });

      await limiterA.consume('127.0.0.1');
      const second = await limiterB.consume('127.0.0.1');
      const refusal: unknown = await limiterA.consume('127.0.0.1').catch((error) => error);

      expect(await sibling.get('s1')).toEqual(pending);
      expect(second.remainingPoints).toBe(0);
      expect(refusal).toBeInstanceOf(RateLimiterRes);
    });

    it('every key has a TTL after each operation', async () => {
      const keyTtls = target.keyTtls;
      if (!keyTtls) throw new Error('A target with sharedBacking must provide keyTtls');
      const expectAllExpire = async (step: string): Promise<void> => {
        const ttls = await keyTtls();
        expect(ttls.size, `keys after ${step}`).toBeGreaterThan(0);
        for (const [key, ttl] of ttls) {
          expect(ttl, `PTTL of ${key} after ${step}`).toBeGreaterThan(0);
        }
      };
      const limiter = store.createLimiter({ keyPrefix: 'phone', points: 1, durationSeconds: 60 });
      const blocking = store.createLimiter({
        keyPrefix: 'ip',
        points: 1,
        durationSeconds: 60,
        blockDurationSeconds: 600,
      });

      await store.put('s1', samplePending(clock.now(), { attemptsLeft: 3 }));
      await expectAllExpire('put');
      await store.takeAttempt('s1', clock.now());
      await expectAllExpire('takeAttempt');
      await store.saveStatus('s1', 'call-1', 'dialing', clock.now());
      await expectAllExpire('saveStatus');
      await store.put('s1', samplePending(clock.now(), { callId: 'call-2' }));
      await expectAllExpire('replacing put');
      await limiter.consume('+79990000001');
      await limiter.consume('+79990000001').catch(() => undefined);
      await expectAllExpire('limiter consume');
      await blocking.consume('127.0.0.1');
      await blocking.consume('127.0.0.1').catch(() => undefined);
      await expectAllExpire('limiter block');

      const ttls = await keyTtls();
      const pendingTtl = [...ttls].find(([key]) => key.endsWith('{s1}:pending'))?.[1];
      const expectedMs = 300_000 + CONTRACT_GRACE_SECONDS * 1000;
      expect(pendingTtl).toBeGreaterThan(expectedMs - 5_000);
      expect(pendingTtl).toBeLessThanOrEqual(expectedMs);
    });
  });
}
