import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './app.js';

let current: TestApp | undefined;

afterEach(async () => {
  await current?.close();
  current = undefined;
});

describe('second-factor mode', () => {
  it('confirms the phone and keeps req.user', async () => {
    const app = (current = await createTestApp({ mode: 'second-factor' }));
    const agent = app.agent();
    await agent.post('/test/sign-in-as').expect(200);
    const before = (await agent.get('/whoami')).body;

    await agent.post('/auth/phone/start').send({ phone: '79990000001' }).expect(200);
    const verify = await agent.post('/auth/phone/verify').send({ code: app.codeOf('79990000001') });
    expect(verify.status).toBe(200);

    const after = (await agent.get('/whoami')).body;
    expect(after.user).toEqual({ id: 'password-user', phone: '' });
    expect(after.sessionId).not.toBe(before.sessionId);
    expect(after.confirmed.phone).toBe('+79990000001');
    expect(after.confirmed.confirmedAt).toBe(app.clock.now());
    expect(app.users.size).toBe(0);
    expect(app.events.some((event) => event.type === 'phone-confirmed')).toBe(true);
  });

  it('refuses a start without a signed-in user', async () => {
    const app = (current = await createTestApp({ mode: 'second-factor' }));
    const answer = await app.agent().post('/auth/phone/start').send({ phone: '79990000001' });
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('NOT_SIGNED_IN');
    expect(app.emulator.calls()).toHaveLength(0);
  });

  it('does not confirm a wrong code', async () => {
    const app = (current = await createTestApp({ mode: 'second-factor' }));
    const agent = app.agent();
    await agent.post('/test/sign-in-as').expect(200);
    await agent.post('/auth/phone/start').send({ phone: '79990000001' }).expect(200);
    const wrong = app.codeOf('79990000001') === '0000' ? '1111' : '0000';
    await agent.post('/auth/phone/verify').send({ code: wrong }).expect(401);
    expect((await agent.get('/whoami')).body.confirmed).toBeNull();
  });
});
