import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { ManualClock } from '../../src/clock.js';
import { isStoreUnavailable } from '../../src/store/errors.js';
import { RedisPendingStore } from '../../src/store/redis.js';
import { StoreUnavailableError } from '../../src/store/types.js';
import { connectRedis, redisUrl, uniquePrefix } from '../support/redis.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { describePendingStoreContract, samplePending } from './contract.js';
import { keyTtls } from './redis-key-ttls.js';

describePendingStoreContract(
  'RedisPendingStore',
  async ({ clock, graceSeconds }) => {
    const client = connectRedis();
    const keyPrefix = uniquePrefix('store');
    const store = new RedisPendingStore({ client, keyPrefix, clock, graceSeconds });
    const sibling = new RedisPendingStore({
      client: connectRedis(),
      keyPrefix,
      clock,
      graceSeconds,
    });
    return {
      store,
      sibling,
      keyTtls: () => keyTtls(client, keyPrefix),
      cleanup: async () => {
        await store.close();
        await sibling.close();
        const keys = [...(await keyTtls(client, keyPrefix)).keys()];
        if (keys.length > 0) await client.del(...keys);
        await client.quit();
      },
    };
  },
  { sharedBacking: true },
);

describe('RedisPendingStore', () => {
  let client: Redis;

  beforeAll(() => {
    client = connectRedis();
  });

  afterAll(async () => {
    await client.quit();
  });

  it('key layout uses a session hash tag', async () => {
    const keyPrefix = uniquePrefix('layout');
    const store = new RedisPendingStore({ client, keyPrefix });

    await store.put('abc', samplePending(Date.now()));

    expect(store.pendingKey('abc')).toBe(`${keyPrefix}{abc}:pending`);
    expect(await client.type(`${keyPrefix}{abc}:pending`)).toBe('hash');
    expect(await client.hget(`${keyPrefix}{abc}:pending`, 'callId')).toBe('call-1');
    await client.del(`${keyPrefix}{abc}:pending`);
  });

  it('keyPrefix defaults to lbc:', () => {
    const store = new RedisPendingStore({ client });

    expect(store.pendingKey('abc')).toBe('lbc:{abc}:pending');
  });

  it('TTL covers expiresAt plus grace', async () => {
    const keyPrefix = uniquePrefix('ttl');
    const clock = new ManualClock(Date.now());
    const store = new RedisPendingStore({ client, keyPrefix, clock, graceSeconds: 10 });

    await store.put('s1', samplePending(clock.now(), { expiresAt: clock.now() + 20_000 }));
    const ttl = await client.pttl(store.pendingKey('s1'));

    expect(ttl).toBeGreaterThan(25_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
    await client.del(store.pendingKey('s1'));
  });

  it('damaged record raises StoreDataError', async () => {
    const keyPrefix = uniquePrefix('damaged');
    const store = new RedisPendingStore({ client, keyPrefix });
    const key = store.pendingKey('s1');
    await client.hset(key, 'callId', 'call-1', 'attemptsLeft', 'many');
    await client.pexpire(key, 60_000);

    await expect(store.get('s1')).rejects.toMatchObject({ code: 'ERR_STORE_INVALID_DATA' });
    await client.del(key);
  });

  it('limiter keys live under keyPrefix', async () => {
    const keyPrefix = uniquePrefix('limit');
    const store = new RedisPendingStore({ client, keyPrefix });
    const limiter = store.createLimiter({ keyPrefix: 'phone', points: 2, durationSeconds: 30 });

    await limiter.consume('+79990000001');

    const ttls = await keyTtls(client, keyPrefix);
    expect([...ttls.keys()]).toEqual([`${keyPrefix}limit:phone:+79990000001`]);
    expect(ttls.get(`${keyPrefix}limit:phone:+79990000001`)).toBeGreaterThan(25_000);
    await client.del(...ttls.keys());
  });

  it('limiter rejects set without expiry', async () => {
    const store = new RedisPendingStore({ client, keyPrefix: uniquePrefix('noexpiry') });
    const limiter = store.createLimiter({ keyPrefix: 'ip', points: 2, durationSeconds: 30 });

    expect(() => limiter.set('127.0.0.1', 1, 0)).toThrow(/secDuration 0/);
    expect(() => limiter.block('127.0.0.1', 0)).toThrow(/secDuration 0/);
  });

  it('close leaves the client open', async () => {
    const store = new RedisPendingStore({ client, keyPrefix: uniquePrefix('close') });

    await store.close();

    await expect(store.get('s1')).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await client.ping()).toBe('PONG');
  });

  it('closed client rejects quickly', async () => {
    const closed = connectRedis();
    await closed.quit();
    const store = new RedisPendingStore({ client: closed, keyPrefix: uniquePrefix('quit') });

    await expect(store.get('s1')).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
  });

  it('lazyConnect client connects on first use', async () => {
    const lazy = new Redis(redisUrl(), { lazyConnect: true });
    const store = new RedisPendingStore({ client: lazy, keyPrefix: uniquePrefix('lazy') });

    expect(lazy.status).toBe('wait');
    expect(await store.get('s1')).toBeNull();
    await lazy.quit();
  });

  it('client keyPrefix applies to script keys', async () => {
    const appPrefix = uniquePrefix('app');
    const prefixed = new Redis(redisUrl(), { keyPrefix: appPrefix });
    const store = new RedisPendingStore({ client: prefixed, keyPrefix: 'lbc:' });

    await store.put('s1', samplePending(Date.now()));
    await store.takeAttempt('s1', Date.now());

    expect(await client.hget(`${appPrefix}lbc:{s1}:pending`, 'attemptsLeft')).toBe('2');
    expect(await client.exists('lbc:{s1}:pending')).toBe(0);
    await client.del(`${appPrefix}lbc:{s1}:pending`);
    await prefixed.quit();
  });

  it('options are validated', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{}, /invalid client undefined/],
      [{ client: {} }, /invalid client object/],
      [{ client, keyPrefix: 'a{b}' }, /invalid keyPrefix "a\{b\}"/],
      [{ client, keyPrefix: 5 }, /invalid keyPrefix 5/],
      [{ client, commandTimeoutMs: 0 }, /commandTimeoutMs 0/],
      [{ client, graceSeconds: -5 }, /graceSeconds -5/],
      [{ client, clock: Date }, /clock/],
      [{ client, timeoutMs: 5 }, /unknown option "timeoutMs"/],
    ];
    for (const [options, message] of cases) {
      expect(() => new RedisPendingStore(options as never)).toThrow(message);
      expect(() => new RedisPendingStore(options as never)).toThrow(
        expect.objectContaining({ code: 'ERR_STORE_INVALID_OPTION' }),
      );
    }
  });
});

describe('RedisPendingStore during an outage', () => {
  let server: RedisServer;
  let client: Redis;
  let store: RedisPendingStore;

  beforeAll(async () => {
    server = await startRedisServer();
    // Default ioredis options, as an app would create the client. Apps log connection errors;
    // the test only keeps them from being reported as unhandled.
    client = new Redis(server.url);
    client.on('error', () => undefined);
    store = new RedisPendingStore({ client, commandTimeoutMs: 1000 });
    await client.ping();
  });

  afterAll(async () => {
    client.disconnect();
    await server.stop();
  });

  let stopped = false;
  const stopServer = async (): Promise<void> => {
    stopped = true;
    await server.stop();
  };
  const startServer = async (): Promise<void> => {
    stopped = false;
    await server.start();
  };

  afterEach(async () => {
    // A failed test may leave the server stopped; starting a running one would clash on its port.
    if (stopped) await startServer();
  });

  it('operations fail fast and recover', async () => {
    const now = Date.now();
    const limiter = store.createLimiter({ keyPrefix: 'ip', points: 100, durationSeconds: 60 });
    await store.put('s1', samplePending(now));
    await limiter.consume('127.0.0.1');

    await stopServer();
    const operations: Array<[string, () => Promise<unknown>]> = [
      ['get', () => store.get('s1')],
      ['put', () => store.put('s1', samplePending(now))],
      ['takeAttempt', () => store.takeAttempt('s1', now)],
      ['consume', () => store.consume('s1', 'call-1')],
      ['delete', () => store.delete('s1')],
      ['saveStatus', () => store.saveStatus('s1', 'call-1', 'busy', now)],
      ['limiter.consume', () => limiter.consume('127.0.0.1')],
      ['limiter.get', () => limiter.get('127.0.0.1')],
    ];
    const outcomes = await Promise.all(
      operations.map(async ([name, operation]) => {
        const started = performance.now();
        const error: unknown = await operation().then(
          () => undefined,
          (caught: unknown) => caught,
        );
        return { name, error, elapsedMs: performance.now() - started };
      }),
    );
    for (const { name, error, elapsedMs } of outcomes) {
      expect(error, name).toBeInstanceOf(StoreUnavailableError);
      expect(isStoreUnavailable(error), name).toBe(true);
      expect(error, name).not.toBeInstanceOf(RateLimiterRes);
      expect(elapsedMs, name).toBeLessThan(1500);
    }

    await startServer();
    await expect.poll(() => client.status, { timeout: 10_000, interval: 20 }).toBe('ready');
    await store.put('s1', samplePending(now));
    expect((await store.get('s1'))?.callId).toBe('call-1');
    expect((await limiter.consume('127.0.0.1')).remainingPoints).toBe(99);
  });

  it('hung Redis times out', async () => {
    const pauser = new Redis(server.url);
    // CLIENT PAUSE stops Redis from serving other clients while their connections stay open.
    await pauser.client('PAUSE', 1500, 'ALL');

    const started = performance.now();
    const error: unknown = await store.get('during-pause').catch((caught: unknown) => caught);
    const elapsedMs = performance.now() - started;

    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/timed out after 1000 ms/);
    expect(elapsedMs).toBeLessThan(1500);
    await pauser.client('UNPAUSE');
    await pauser.quit();
    expect(await store.get('after-pause')).toBeNull();
  });

  it('operation waits for a reconnect', async () => {
    await stopServer();
    await expect.poll(() => client.status, { timeout: 5_000, interval: 10 }).not.toBe('ready');

    const pending = store.get('s1');
    await startServer();

    await expect(pending).resolves.toBeNull();
  });
});
