import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { createTestApp, type TestApp } from './app.js';

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

describe('Redis outage', () => {
  it('answers 503 while Redis is down, then recovers', async () => {
    const agent = app.agent();
    await agent.post('/auth/phone/start').send({ phone: '79990000001' }).expect(200);
    const callsBefore = app.emulator.calls().length;

    await redis.stop();
    const start = await app.agent().post('/auth/phone/start').send({ phone: '79990000002' });
    expect(start.status).toBe(503);
    expect(start.body.error.code).toBe('STORE_UNAVAILABLE');
    expect(start.headers['retry-after']).toBe('30');
    expect(app.emulator.calls()).toHaveLength(callsBefore);
    const verify = await agent.post('/auth/phone/verify').send({ code: '1234' });
    expect(verify.status).toBe(503);
    const status = await agent.get('/auth/phone/status');
    expect(status.status).toBe(503);

    await redis.start();
    // The restarted server is empty, so the session's call is gone; a new start works.
    let recovered = 0;
    for (let attempt = 0; attempt < 100 && recovered !== 200; attempt++) {
      const retry = await app.agent().post('/auth/phone/start').send({ phone: '79990000003' });
      recovered = retry.status;
      if (recovered !== 200) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(recovered).toBe(200);
  });
});

describe('session store outage', () => {
  it('hangs up the call when the session cannot be saved', async () => {
    const sessions = await startRedisServer();
    const failing = await createTestApp({ sessionRedisUrl: sessions.url });
    try {
      await sessions.stop();
      const start = await failing.agent().post('/auth/phone/start').send({ phone: '79990000001' });
      expect(start.status).toBe(500);
      expect(start.text).not.toContain(failing.maskOf('79990000001'));
      const hungUp = await failing.nextEvent('call-hung-up');
      expect(hungUp.reason).toBe('cancelled');
      expect(failing.emulator.calls({ msisdn: '79990000001' })[0]?.hungUp).toBe(true);
    } finally {
      await failing.close();
      await sessions.stop();
    }
  });
});
