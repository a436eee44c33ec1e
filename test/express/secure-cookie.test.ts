import { afterEach, describe, expect, it } from 'vitest';
import type express from 'express';
import { createTestApp, type TestApp } from './app.js';

const PHONE = '79990000001';
let current: TestApp | undefined;

afterEach(async () => {
  await current?.close();
  current = undefined;
});

/** Marks the session cookie Secure, as `cookie: { secure: true }` in express-session does. */
const secureCookie: express.RequestHandler = (req, _res, next) => {
  req.session.cookie.secure = true;
  next();
};

describe('Secure session cookie over plain HTTP', () => {
  it('places no call and names the fix', async () => {
    current = await createTestApp({ beforeRouter: secureCookie });
    const answer = await current
      .agent()
      .post('/auth/phone/start')
      .set('Accept', 'application/json')
      .send({ phone: PHONE });

    expect(answer.status).toBe(500);
    expect(answer.body.error.code).toBe('SESSION_REQUIRED');
    expect(answer.body.error.message).toContain('HTTPS');
    expect(current.emulator.calls({ msisdn: PHONE })).toHaveLength(0);
    const logged = current.logs.find((entry) => entry.level === 'error');
    expect(logged?.message).toContain('cookie.secure');
  });

  it('works behind a trusted HTTPS proxy', async () => {
    current = await createTestApp({ beforeRouter: secureCookie, trustProxy: 'loopback' });
    const answer = await current
      .agent()
      .post('/auth/phone/start')
      .set('Accept', 'application/json')
      .set('X-Forwarded-Proto', 'https')
      .send({ phone: PHONE });

    expect(answer.status).toBe(200);
    expect(current.emulator.calls({ msisdn: PHONE })).toHaveLength(1);
  });
});
