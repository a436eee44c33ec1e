import { describe, expect, it, vi } from 'vitest';
import type supertest from 'supertest';
import { MemoryPendingStore, StoreUnavailableError } from '../../src/index.js';
import { failedCodesLimiter } from '../../src/passport/shared-limiter.js';
import { openAppPerTest, postJson } from './app.js';

const PHONE = '79990000001';
const open = openAppPerTest();

async function sessionIdOf(agent: supertest.Agent): Promise<string> {
  const response = await agent.get('/whoami');
  return response.body.sessionId as string;
}

describe.each([4, 5] as const)('sign-in flow on Express %i', (major) => {
  it('signs in with the code of the call', async () => {
    const app = await open({ express: major });
    const agent = app.agent();

    const start = await postJson(agent, '/auth/phone/start', { phone: '+7 999 000-00-01' });
    expect(start.status).toBe(200);
    const mask = app.maskOf(PHONE);
    expect(start.body).toEqual({
      maskPrefix: mask.slice(0, -4),
      codeLength: 4,
      retryAfterSeconds: 30,
      expiresInSeconds: 300,
    });
    const sessionBefore = await sessionIdOf(agent);

    const verify = await postJson(agent, '/auth/phone/verify', { code: app.codeOf(PHONE) });
    expect(verify.status).toBe(200);
    expect(verify.body).toEqual({ ok: true });

    const whoami = await agent.get('/whoami');
    expect(whoami.body.user).toEqual({ id: 'user-1', phone: '+79990000001' });
    expect(whoami.body.sessionId).not.toBe(sessionBefore);
  });

  it('hangs the call up after a right code', async () => {
    const app = await open({ express: major });
    const agent = app.agent();
    await postJson(agent, '/auth/phone/start', { phone: PHONE }).expect(200);
    await postJson(agent, '/auth/phone/verify', { code: app.codeOf(PHONE) }).expect(200);

    const hungUp = await app.nextEvent('call-hung-up');
    expect(hungUp.reason).toBe('code-accepted');
    expect(app.emulator.calls({ msisdn: PHONE })[0]?.hungUp).toBe(true);
  });
});

describe('verify', () => {
  it('takes no attempt for a code of the wrong length', async () => {
    const app = await open({ repeatTimeout: 0, failedCodesPerPhonePerDay: 1 });
    const agent = app.agent();
    await postJson(agent, '/auth/phone/start', { phone: PHONE }).expect(200);

    for (const code of ['123', '12345']) {
      const answer = await postJson(agent, '/auth/phone/verify', { code });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('INVALID_CODE');
      expect(answer.body.error.message).toBe(
        'Enter the last 4 digits of the number that called you.',
      );
      expect(answer.body.error.attemptsLeft).toBe(3);
    }
    // Neither the call's attempts nor the daily cap of one code was used up.
    await postJson(agent, '/auth/phone/verify', { code: app.codeOf(PHONE) }).expect(200);
  });

  it('counts down attempts, then locks the call', async () => {
    const app = await open();
    const agent = app.agent();
    await postJson(agent, '/auth/phone/start', { phone: PHONE }).expect(200);
    const wrong = app.codeOf(PHONE) === '0000' ? '1111' : '0000';

    const first = await postJson(agent, '/auth/phone/verify', { code: wrong });
    expect(first.status).toBe(401);
    expect(first.body.error.code).toBe('WRONG_CODE');
    expect(first.body.error.attemptsLeft).toBe(2);
    const second = await postJson(agent, '/auth/phone/verify', { code: wrong });
    expect(second.body.error.attemptsLeft).toBe(1);
    const third = await postJson(agent, '/auth/phone/verify', { code: wrong });
    expect(third.status).toBe(410);
    expect(third.body.error.code).toBe('LOCKED');

    const right = await postJson(agent, '/auth/phone/verify', { code: app.codeOf(PHONE) });
    expect(right.status).toBe(409);
    expect(right.body.error.code).toBe('NO_PENDING_CALL');
    expect((await agent.get('/whoami')).body.user).toBeNull();
    expect(app.events.filter((event) => event.type === 'attempts-exhausted')).toHaveLength(1);
  });

  it('refuses 30 parallel wrong codes after 3 attempts', async () => {
    const app = await open();
    const agent = app.agent();
    await postJson(agent, '/auth/phone/start', { phone: PHONE }).expect(200);
    const right = app.codeOf(PHONE);
    const wrongCodes = Array.from({ length: 30 }, (_, index) =>
      String((Number(right) + index + 1) % 10_000).padStart(4, '0'),
    );

    const answers = await Promise.all(
      wrongCodes.map((code) => postJson(agent, '/auth/phone/verify', { code })),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(0);
    expect(answers.every((answer) => answer.status >= 400 && answer.status < 500)).toBe(true);
    const evaluated = app.events.filter((event) => event.type === 'code-rejected');
    expect(evaluated).toHaveLength(3);

    const late = await postJson(agent, '/auth/phone/verify', { code: right });
    expect(late.status).toBe(409);
  });

  it('lets one of 10 parallel right codes win', async () => {
    const app = await open();
    const agent = app.agent();
    await postJson(agent, '/auth/phone/start', { phone: PHONE }).expect(200);
    const code = app.codeOf(PHONE);

    const answers = await Promise.all(
      Array.from({ length: 10 }, () => postJson(agent, '/auth/phone/verify', { code })),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(app.events.filter((event) => event.type === 'code-accepted')).toHaveLength(1);
  });

  it.each([
    ['letters', 'abcd'],
    ['too few digits', '123'],
    ['too many digits', '12345'],
    ['non-ASCII digits', '١٢٣٤'],
    ['a number', 1234],
  ])('refuses %s without using an attempt', async (_case, code) => {
    const app = await open();
    const agent = app.agent();
    await postJson(agent, '/auth/phone/start', { phone: PHONE }).expect(200);

    const answer = await postJson(agent, '/auth/phone/verify', { code });
    expect(answer.status).toBe(400);
    const status = await agent.get('/auth/phone/status').expect(200);
    expect(status.body.attemptsLeft).toBe(3);
  });

  it('refuses a code after codeTtlSeconds', async () => {
    const app = await open();
    const agent = app.agent();
    await postJson(agent, '/auth/phone/start', { phone: PHONE }).expect(200);

    app.clock.advance(300_000);
    const answer = await postJson(agent, '/auth/phone/verify', { code: app.codeOf(PHONE) });
    expect(answer.status).toBe(410);
    expect(answer.body.error.code).toBe('EXPIRED');
  });

  it('answers 409 with nothing pending', async () => {
    const app = await open();
    const answer = await postJson(app.agent(), '/auth/phone/verify', { code: '1234' });
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('NO_PENDING_CALL');
  });

  it('refuses a number that verify rejects', async () => {
    const app = await open({ refusedPhones: ['+79990000001'] });
    const agent = app.agent();
    await postJson(agent, '/auth/phone/start', { phone: PHONE }).expect(200);
    const answer = await postJson(agent, '/auth/phone/verify', { code: app.codeOf(PHONE) });
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('USER_REJECTED');
  });
});

describe('answers', () => {
  it('never contain the full mask or the code', async () => {
    const app = await open();
    const agent = app.agent();
    const bodies: string[] = [];
    const record = (response: supertest.Response): void => {
      bodies.push(response.text, JSON.stringify(response.headers));
    };

    record(await postJson(agent, '/auth/phone/start', { phone: PHONE }));
    const code = app.codeOf(PHONE);
    const mask = app.maskOf(PHONE);
    const wrong = code === '0000' ? '1111' : '0000';
    record(await agent.get('/auth/phone/status'));
    record(await postJson(agent, '/auth/phone/verify', { code: wrong }));
    record(await agent.get('/auth/phone/status'));
    record(await agent.get('/page/state'));
    record(await postJson(agent, '/auth/phone/verify', { code }));
    record(await agent.get('/auth/phone/status'));

    for (const text of bodies) {
      expect(text).not.toContain(mask);
      expect(text).not.toMatch(new RegExp(`"${code}"`));
    }
    const logged = JSON.stringify(app.logs) + JSON.stringify(app.events);
    expect(logged).not.toContain(mask);
    expect(logged).not.toContain('+79990000001');
  });
});

describe('start', () => {
  it('refuses a repeat in another format without a call', async () => {
    const app = await open({ defaultCountry: 'RU' });
    const agent = app.agent();
    await postJson(agent, '/auth/phone/start', { phone: '+7 999 000-00-01' }).expect(200);

    for (const spelling of ['8 999 000 00 01', '79990000001']) {
      const repeat = await postJson(agent, '/auth/phone/start', { phone: spelling });
      expect(repeat.status).toBe(429);
      expect(repeat.body.error.code).toBe('RATE_LIMITED');
      expect(repeat.body.error.limit).toBe('repeat');
      expect(Number(repeat.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number.isInteger(Number(repeat.headers['retry-after']))).toBe(true);
    }
    const other = await postJson(app.agent(), '/auth/phone/start', { phone: PHONE });
    expect(other.status).toBe(429);
    expect(app.emulator.calls({ msisdn: PHONE })).toHaveLength(1);
  });

  it('replaces a pending call and hangs the old one up', async () => {
    const app = await open();
    const agent = app.agent();
    await postJson(agent, '/auth/phone/start', { phone: PHONE }).expect(200);
    await postJson(agent, '/auth/phone/start', { phone: '79990000002' }).expect(200);

    const hungUp = await app.nextEvent('call-hung-up');
    expect(hungUp.reason).toBe('replaced');
    expect(app.emulator.calls({ msisdn: PHONE })[0]?.hungUp).toBe(true);
    const old = await postJson(agent, '/auth/phone/verify', { code: app.codeOf(PHONE) });
    expect(old.status).toBeGreaterThanOrEqual(400);
    const fresh = await postJson(agent, '/auth/phone/verify', { code: app.codeOf('79990000002') });
    expect(fresh.status).toBe(200);
  });

  it('refuses a country outside allowedCountries', async () => {
    const app = await open({ allowedCountries: ['RU'] });
    const answer = await postJson(app.agent(), '/auth/phone/start', { phone: '+1 202 555 0143' });
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('COUNTRY_NOT_ALLOWED');
    expect(app.emulator.calls()).toHaveLength(0);
  });

  it('stops calling a number at the daily cap of wrong codes', async () => {
    const app = await open({ repeatTimeout: 0, failedCodesPerPhonePerDay: 2 });
    const agent = app.agent();
    await postJson(agent, '/auth/phone/start', { phone: PHONE }).expect(200);
    const wrong = app.codeOf(PHONE) === '0000' ? '1111' : '0000';
    await postJson(agent, '/auth/phone/verify', { code: wrong }).expect(401);
    await postJson(agent, '/auth/phone/verify', { code: wrong }).expect(401);

    const again = await postJson(app.agent(), '/auth/phone/start', { phone: PHONE });
    expect(again.status).toBe(429);
    expect(again.body.error.limit).toBe('failedCodesPerPhonePerDay');
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(86_000);
    expect(app.emulator.calls({ msisdn: PHONE })).toHaveLength(1);
  });

  it('caps codes of calls placed before the daily cap', async () => {
    const app = await open({ repeatTimeout: 0, failedCodesPerPhonePerDay: 4, maxAttempts: 3 });
    const agents = [app.agent(), app.agent()];
    for (const agent of agents) {
      await postJson(agent, '/auth/phone/start', { phone: PHONE }).expect(200);
    }
    const codes = app.emulator.calls({ msisdn: PHONE }).map((call) => call.mask.slice(-4));
    const wrong = ['0000', '1111', '2222'].find((code) => !codes.includes(code)) as string;

    // Both calls were placed before any wrong code, so each still has three attempts of its own.
    const answers = await Promise.all(
      [0, 0, 0, 1, 1, 1].map((index) =>
        postJson(agents[index] as supertest.Agent, '/auth/phone/verify', { code: wrong }),
      ),
    );
    const compared = answers.filter((answer) => answer.status === 401 || answer.status === 410);
    const capped = answers.filter((answer) => answer.status === 429);
    expect(compared).toHaveLength(4);
    expect(capped).toHaveLength(2);
    for (const answer of capped) {
      expect(answer.body.error.limit).toBe('failedCodesPerPhonePerDay');
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(86_000);
    }

    // A right code is refused too once the number is at its cap.
    const right = await postJson(agents[1] as supertest.Agent, '/auth/phone/verify', {
      code: codes[0] as string,
    });
    expect(right.status).not.toBe(200);
  });

  it('gives back the daily attempt of a right code', async () => {
    const app = await open({ repeatTimeout: 0, failedCodesPerPhonePerDay: 1 });
    for (let round = 0; round < 2; round += 1) {
      const agent = app.agent();
      await postJson(agent, '/auth/phone/start', { phone: PHONE }).expect(200);
      await postJson(agent, '/auth/phone/verify', { code: app.codeOf(PHONE) }).expect(200);
    }

    // The counter went back to 0, so it is deleted rather than kept for a day.
    const counter = failedCodesLimiter(app.store, 1);
    await vi.waitFor(async () => expect(await counter.get(`+${PHONE}`)).toBeNull());
  });

  it('limits calls per session', async () => {
    const app = await open({
      repeatTimeout: 0,
      limits: { perSession: { points: 2, durationSeconds: 60 } },
    });
    const agent = app.agent();
    await postJson(agent, '/auth/phone/start', { phone: '79990000001' }).expect(200);
    await postJson(agent, '/auth/phone/start', { phone: '79990000002' }).expect(200);
    const third = await postJson(agent, '/auth/phone/start', { phone: '79990000003' });
    expect(third.status).toBe(429);
    expect(third.body.error.limit).toBe('perSession');
    expect(app.emulator.calls()).toHaveLength(2);
  });
});

describe('start limits', () => {
  it('limits calls per number across sessions', async () => {
    const app = await open({
      repeatTimeout: 0,
      limits: { perPhone: { points: 1, durationSeconds: 60 } },
    });
    await postJson(app.agent(), '/auth/phone/start', { phone: PHONE }).expect(200);
    const second = await postJson(app.agent(), '/auth/phone/start', { phone: PHONE });
    expect(second.status).toBe(429);
    expect(second.body.error.limit).toBe('perPhone');
    expect(app.emulator.calls()).toHaveLength(1);
  });

  it('limits calls of the whole site', async () => {
    const app = await open({ limits: { global: { points: 2, durationSeconds: 60 } } });
    await postJson(app.agent(), '/auth/phone/start', { phone: '79990000001' }).expect(200);
    await postJson(app.agent(), '/auth/phone/start', { phone: '79990000002' }).expect(200);
    const third = await postJson(app.agent(), '/auth/phone/start', { phone: '79990000003' });
    expect(third.status).toBe(429);
    expect(third.body.error.limit).toBe('global');
    expect(app.events.filter((event) => event.type === 'limit-hit')).toHaveLength(1);
  });

  it('gives back points when a later counter refuses', async () => {
    const app = await open({
      repeatTimeout: 0,
      limits: {
        perSession: { points: 2, durationSeconds: 60 },
        perPhone: { points: 1, durationSeconds: 60 },
      },
    });
    const agent = app.agent();
    await postJson(agent, '/auth/phone/start', { phone: PHONE }).expect(200);
    await postJson(agent, '/auth/phone/start', { phone: PHONE }).expect(429);
    // The refused request took no point of the session counter, so one more call is allowed.
    await postJson(agent, '/auth/phone/start', { phone: '79990000002' }).expect(200);
  });

  it('gives back points when the repeat gate refuses', async () => {
    const app = await open({ limits: { perSession: { points: 2, durationSeconds: 60 } } });
    const agent = app.agent();
    await postJson(agent, '/auth/phone/start', { phone: PHONE }).expect(200);
    const repeat = await postJson(agent, '/auth/phone/start', { phone: PHONE });
    expect(repeat.status).toBe(429);
    expect(repeat.body.error.limit).toBe('repeat');
    // The window counters were taken together with the gate read, then given back.
    await postJson(agent, '/auth/phone/start', { phone: '79990000002' }).expect(200);
    expect(app.emulator.calls()).toHaveLength(2);
  });

  it('reports the first refusing counter in order', async () => {
    const app = await open({
      repeatTimeout: 0,
      limits: {
        perSession: { points: 1, durationSeconds: 60 },
        perPhone: { points: 1, durationSeconds: 60 },
        global: { points: 1, durationSeconds: 60 },
      },
    });
    const agent = app.agent();
    await postJson(agent, '/auth/phone/start', { phone: PHONE }).expect(200);
    const second = await postJson(agent, '/auth/phone/start', { phone: PHONE });
    expect(second.status).toBe(429);
    expect(second.body.error.limit).toBe('perSession');
    const hits = app.events.filter((event) => event.type === 'limit-hit');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ limit: 'perSession' });
  });

  it('hangs up a call whose record cannot be stored', async () => {
    class FailingPutStore extends MemoryPendingStore {
      override async put(): Promise<null> {
        throw new StoreUnavailableError('put failed on purpose');
      }
    }
    const app = await open({ store: { instance: new FailingPutStore() } });
    const answer = await postJson(app.agent(), '/auth/phone/start', { phone: PHONE });
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('STORE_UNAVAILABLE');
    expect(app.emulator.calls({ msisdn: PHONE })[0]?.hungUp).toBe(true);
  });
});

describe('status and cancel', () => {
  it('reports the call and asks the service once per second', async () => {
    const app = await open();
    const agent = app.agent();
    const idle = await agent.get('/auth/phone/status').expect(200);
    expect(idle.body.phase).toBe('idle');

    await postJson(agent, '/auth/phone/start', { phone: PHONE }).expect(200);
    const first = await agent.get('/auth/phone/status').expect(200);
    expect(first.body).toMatchObject({
      phase: 'pending',
      phone: '+7999*****01',
      codeLength: 4,
      attemptsLeft: 3,
      status: 'queued',
      expiresInSeconds: 300,
    });
    await agent.get('/auth/phone/status').expect(200);
    expect(app.events.filter((event) => event.type === 'call-status')).toHaveLength(1);

    app.clock.advance(1500);
    const later = await agent.get('/auth/phone/status').expect(200);
    expect(later.body.status).toBe('dialing');
    expect(app.events.filter((event) => event.type === 'call-status')).toHaveLength(2);
  });

  it('stops asking after a final status', async () => {
    const app = await open();
    const agent = app.agent();
    await postJson(agent, '/auth/phone/start', { phone: '79991110004' }).expect(200);
    app.clock.advance(10_000);
    const final = await agent.get('/auth/phone/status').expect(200);
    expect(final.body.status).toBe('answered');
    app.clock.advance(10_000);
    await agent.get('/auth/phone/status').expect(200);
    expect(app.events.filter((event) => event.type === 'call-status')).toHaveLength(1);
  });

  it('cancels a ringing call twice without error', async () => {
    const app = await open();
    const agent = app.agent();
    await postJson(agent, '/auth/phone/start', { phone: PHONE }).expect(200);

    const cancel = await postJson(agent, '/auth/phone/cancel', {});
    expect(cancel.status).toBe(200);
    expect(app.emulator.calls({ msisdn: PHONE })[0]?.hungUp).toBe(true);
    expect((await agent.get('/auth/phone/status')).body.phase).toBe('idle');
    await postJson(agent, '/auth/phone/cancel', {}).expect(200);
    const verify = await postJson(agent, '/auth/phone/verify', { code: app.codeOf(PHONE) });
    expect(verify.status).toBe(409);
  });
});
