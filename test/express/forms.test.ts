import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './app.js';

let current: TestApp | undefined;

afterEach(async () => {
  await current?.close();
  current = undefined;
});

const redirects = { code: '/code', success: '/home', failure: '/code', start: '/' };

describe('plain form posts', () => {
  it('redirect with 303 and flash the outcome once', async () => {
    const app = (current = await createTestApp({ redirects }));
    const agent = app.agent();

    const start = await agent.post('/auth/phone/start').type('form').send('phone=79990000001');
    expect(start.status).toBe(303);
    expect(start.headers['location']).toBe('/code');
    const waiting = await agent.get('/page/state').expect(200);
    expect(waiting.body.phase).toBe('pending');
    expect(waiting.body.message.code).toBe('CALL_STARTED');

    const wrong = app.codeOf('79990000001') === '0000' ? '1111' : '0000';
    const failed = await agent.post('/auth/phone/verify').type('form').send(`code=${wrong}`);
    expect(failed.status).toBe(303);
    expect(failed.headers['location']).toBe('/code');
    const shown = await agent.get('/page/state').expect(200);
    expect(shown.body.message).toEqual({
      code: 'WRONG_CODE',
      text: 'Wrong code: 2 attempts left.',
      attemptsLeft: 2,
    });
    expect(shown.body.attemptsLeft).toBe(2);
    const again = await agent.get('/page/state').expect(200);
    expect(again.body.message).toBeUndefined();

    const success = await agent
      .post('/auth/phone/verify')
      .type('form')
      .send(`code=${app.codeOf('79990000001')}`);
    expect(success.status).toBe(303);
    expect(success.headers['location']).toBe('/home');
    expect((await agent.get('/whoami')).body.user).not.toBeNull();
  });

  it('redirect a failed start to the start page', async () => {
    const app = (current = await createTestApp({ redirects }));
    const agent = app.agent();
    const start = await agent.post('/auth/phone/start').type('form').send('phone=12');
    expect(start.status).toBe(303);
    expect(start.headers['location']).toBe('/');
    const state = await agent.get('/page/state').expect(200);
    expect(state.body.phase).toBe('idle');
    expect(state.body.message.code).toBe('INVALID_PHONE');
  });

  it('leave anonymous page views without a session', async () => {
    const app = (current = await createTestApp({ redirects }));
    const page = await app.agent().get('/page/state').expect(200);
    expect(page.body.phase).toBe('idle');
    expect(page.headers['set-cookie']).toBeUndefined();
    const status = await app.agent().get('/auth/phone/status').expect(200);
    expect(status.headers['set-cookie']).toBeUndefined();
  });

  it('answer JSON to clients that accept it', async () => {
    const app = (current = await createTestApp({ redirects }));
    const answer = await app
      .agent()
      .post('/auth/phone/start')
      .type('form')
      .set('Accept', 'application/json')
      .send('phone=79990000001');
    expect(answer.status).toBe(200);
    expect(answer.body.codeLength).toBe(4);
  });

  it('redirect cancel to the start page', async () => {
    const app = (current = await createTestApp({ redirects }));
    const agent = app.agent();
    await agent.post('/auth/phone/start').type('form').send('phone=79990000001').expect(303);
    const cancel = await agent.post('/auth/phone/cancel').type('form').send('');
    expect(cancel.status).toBe(303);
    expect(cancel.headers['location']).toBe('/');
    const state = await agent.get('/page/state').expect(200);
    expect(state.body.phase).toBe('idle');
    expect(state.body.message.code).toBe('CANCELLED');
  });
});
