import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { createTestApp, type TestApp } from './app.js';

const PHONE = '79990000051';
let redis: RedisServer;
let app: TestApp;

beforeAll(async () => {
  redis = await startRedisServer();
  app = await createTestApp({ store: { url: redis.url }, repeatTimeout: 0 });
});

afterAll(async () => {
  await app.close();
  await redis.stop();
});

/** Resolves once the router has counted the start in Redis, so the call request is next. */
async function limitsTaken(): Promise<void> {
  const observer = new Redis(redis.url);
  try {
    for (let round = 0; round < 5000; round += 1) {
      const keys = await observer.keys('*perPhone*');
      if (keys.length > 0) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error('the start never counted the number in Redis');
  } finally {
    observer.disconnect();
  }
}

describe('Redis lost while a call is placed', () => {
  it('hangs the call up and answers 503', async () => {
    // A slow service keeps the call request open while Redis goes away.
    app.emulator.setFault('call', { latencyMs: 300 });
    // then() sends the request now, while the test goes on to stop Redis.
    const answer = app
      .agent()
      .post('/auth/phone/start')
      .send({ phone: PHONE })
      .then((response) => response);

    await limitsTaken();
    await redis.stop();
    const response = await answer;

    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe('STORE_UNAVAILABLE');
    const hungUp = await app.nextEvent('call-hung-up');
    expect(hungUp.reason).toBe('cancelled');
    expect(app.emulator.calls({ msisdn: PHONE })[0]?.hungUp).toBe(true);
  });
});
