import { describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { openAppPerTest } from './app.js';

const open = openAppPerTest();

describe.each([
  [5, false],
  [5, true],
  [4, false],
  [4, true],
] as const)('request bodies (Express %i, app parsers: %s)', (major, appBodyParsers) => {
  it.each([
    ['an array', '[1,2]', 'application/json'],
    ['a phone object', '{"phone":{"a":1}}', 'application/json'],
    ['a phone array', '{"phone":["+79990000001"]}', 'application/json'],
    ['a phone number type', '{"phone":79990000001}', 'application/json'],
    ['malformed JSON', '{"phone":', 'application/json'],
    ['a JSON string', '"+79990000001"', 'application/json'],
    ['JSON null', 'null', 'application/json'],
    ['an empty JSON body', '', 'application/json'],
    ['an empty object', '{}', 'application/json'],
    [
      'a repeated form field',
      'phone=79990000001&phone=79990000002',
      'application/x-www-form-urlencoded',
    ],
    ['plain text', 'phone=79990000001', 'text/plain'],
    ['no content type', 'hello', ''],
    ['a huge body', `{"phone":"${'1'.repeat(10_000)}"}`, 'application/json'],
    ['a huge form', `phone=${'1'.repeat(10_000)}`, 'application/x-www-form-urlencoded'],
  ])('refuses %s with 4xx', async (_case, body, type) => {
    const app = await open({ express: major, appBodyParsers });
    const agent = app.agent().post('/auth/phone/start').set('Accept', 'application/json');
    if (type) agent.set('Content-Type', type);
    const answer = await agent.send(body);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(app.emulator.calls()).toHaveLength(0);
  });

  it('accepts a urlencoded form', async () => {
    const app = await open({ express: major, appBodyParsers });
    const answer = await app
      .agent()
      .post('/auth/phone/start')
      .set('Accept', 'application/json')
      .type('form')
      .send('phone=%2B79990000001');
    expect(answer.status).toBe(200);
    expect(app.emulator.calls({ msisdn: '79990000001' })).toHaveLength(1);
  });

  it('refuses a verify body without a code with 400', async () => {
    const app = await open({ express: major, appBodyParsers });
    const agent = app.agent();
    await agent.post('/auth/phone/start').send({ phone: '79990000001' }).expect(200);
    const answer = await agent.post('/auth/phone/verify').set('Accept', 'application/json').send();
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('INVALID_CODE');
  });
});

describe('request errors', () => {
  it('names the problem of an invalid number', async () => {
    const app = await open();
    const answer = await app.agent().post('/auth/phone/start').send({ phone: '12' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({
      code: 'INVALID_PHONE',
      message: 'The phone number is too short.',
    });
  });

  it('answers 400 for a missing phone', async () => {
    const app = await open();
    const answer = await app.agent().post('/auth/phone/start').send({});
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('PHONE_REQUIRED');
  });

  it('answers 405 for a wrong method', async () => {
    const app = await open();
    const answer = await app.agent().get('/auth/phone/start');
    expect(answer.status).toBe(405);
    expect(answer.headers['allow']).toBe('POST');
  });

  it('answers 413 before reading a declared huge body', async () => {
    const app = await open();
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${app.url}/auth/phone/start`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': '100000000' },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.write('{"phone":"');
    });
    expect(status).toBe(413);
  });

  it('passes other paths to the next handler', async () => {
    const app = await open();
    const answer = await app.agent().get('/auth/phone/other');
    expect(answer.status).toBe(404);
  });

  it('tells to mount express-session', async () => {
    const app = await open({ withoutSession: true });
    const answer = await app.agent().post('/auth/phone/start').send({ phone: '79990000001' });
    expect(answer.status).toBe(500);
    expect(answer.body.error.code).toBe('SESSION_REQUIRED');
    expect(answer.body.error.message).toContain('mount express-session');
    expect(app.emulator.calls()).toHaveLength(0);
  });
});

describe('upstream failures', () => {
  it('maps CALL_REJECTED to 502', async () => {
    const app = await open();
    const agent = app.agent();
    const answer = await agent.post('/auth/phone/start').send({ phone: '79991110005' });
    expect(answer.status).toBe(502);
    expect(answer.body.error.code).toBe('UPSTREAM_ERROR');
    expect(answer.text).not.toContain('CALL_REJECTED');
    expect((await agent.get('/auth/phone/status')).body.phase).toBe('idle');
    expect(app.events.some((event) => event.type === 'upstream-error')).toBe(true);
  });

  it('maps a blocked account to 503 and logs the reason', async () => {
    const app = await open();
    app.emulator.blockAccount(app.emulator.account.callApiId, 'admin');
    const answer = await app.agent().post('/auth/phone/start').send({ phone: '79990000001' });
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(answer.text).not.toContain('ACCOUNT_BLOCKED');
    expect(app.logs.some((log) => log.message.includes('ACCOUNT_BLOCKED_ADMIN'))).toBe(true);
  });

  it('maps an HTTP error of the service to 502', async () => {
    const app = await open();
    app.emulator.setFault('call', { httpStatus: 500 });
    const answer = await app.agent().post('/auth/phone/start').send({ phone: '79990000001' });
    expect(answer.status).toBe(502);
  });

  it('maps a slow service to 504', async () => {
    const app = await open({ clientTimeoutMs: 200 });
    app.emulator.setFault('call', { latencyMs: 1000 });
    const answer = await app.agent().post('/auth/phone/start').send({ phone: '79990000001' });
    expect(answer.status).toBe(504);
    expect(answer.body.error.code).toBe('UPSTREAM_TIMEOUT');
  });

  it('keeps the sign-in when the hang-up fails', async () => {
    const app = await open();
    const agent = app.agent();
    await agent.post('/auth/phone/start').send({ phone: '79990000001' }).expect(200);
    app.emulator.setFault('call-hangup', { httpStatus: 500 });
    const verify = await agent.post('/auth/phone/verify').send({ code: app.codeOf('79990000001') });
    expect(verify.status).toBe(200);
    expect((await agent.get('/whoami')).body.user).not.toBeNull();
  });
});
