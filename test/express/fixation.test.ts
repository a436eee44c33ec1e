import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './app.js';

let current: TestApp | undefined;

afterEach(async () => {
  await current?.close();
  current = undefined;
});

describe('session fixation check', () => {
  it('drops a sign-in that keeps the session id', async () => {
    // Passport before 0.6 stored the user without a new session id; this logIn does the same.
    const app = (current = await createTestApp({
      beforeRouter: (req, _res, next) => {
        req.logIn = ((user: unknown, _options: unknown, done: (error?: unknown) => void) => {
          (req.session as unknown as Record<string, unknown>)['passport'] = { user };
          done();
        }) as typeof req.logIn;
        next();
      },
    }));
    const agent = app.agent();
    await agent.post('/auth/phone/start').send({ phone: '79990000001' }).expect(200);
    const before = (await agent.get('/whoami')).body.sessionId as string;

    const verify = await agent.post('/auth/phone/verify').send({ code: app.codeOf('79990000001') });
    expect(verify.status).toBe(500);
    const after = (await agent.get('/whoami')).body;
    expect(after.user).toBeNull();
    expect(after.sessionId).not.toBe(before);
  });
});
