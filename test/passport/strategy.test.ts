import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import {
  LoginByCallClient,
  LoginByCallStrategy,
  ManualClock,
  MemoryPendingStore,
  createEmulator,
  silentLogger,
  type Emulator,
  type PendingCall,
} from '../../src/index.js';
import { hashCode } from '../../src/passport/code-hash.js';
import { createTestApp, SECRET, type TestApp } from '../express/app.js';

describe('strategy on an app route', () => {
  let app: TestApp | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('redirects to successRedirect with a new session', async () => {
    app = await createTestApp();
    const agent = app.agent();
    await agent.post('/auth/phone/start').send({ phone: '79990000001' }).expect(200);
    const before = (await agent.get('/whoami')).body.sessionId as string;

    const answer = await agent
      .post('/login/code')
      .type('form')
      .send(`code=${app.codeOf('79990000001')}`);
    expect(answer.status).toBe(302);
    expect(answer.headers['location']).toBe('/home');
    const after = (await agent.get('/whoami')).body;
    expect(after.user.phone).toBe('+79990000001');
    expect(after.sessionId).not.toBe(before);
  });

  it('redirects to failureRedirect with the message', async () => {
    app = await createTestApp();
    const agent = app.agent();
    await agent.post('/auth/phone/start').send({ phone: '79990000001' }).expect(200);
    const wrong = app.codeOf('79990000001') === '0000' ? '1111' : '0000';

    const answer = await agent.post('/login/code').type('form').send(`code=${wrong}`);
    expect(answer.status).toBe(302);
    expect(answer.headers['location']).toBe('/login/code');
    const whoami = (await agent.get('/whoami')).body;
    expect(whoami.user).toBeNull();
    expect(whoami.messages).toEqual(['Wrong code: 2 attempts left.']);
  });
});

type Outcome = { kind: 'success' | 'fail' | 'error'; value: unknown; status?: number };

describe('strategy outcomes', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  let emulator: Emulator;
  let client: LoginByCallClient;
  let store: MemoryPendingStore;

  beforeAll(async () => {
    emulator = createEmulator({ clock, logger: silentLogger });
    const { apiUrl } = await emulator.listen({ port: 0, host: '127.0.0.1' });
    client = new LoginByCallClient({ ...emulator.account, apiUrl, clock });
    store = new MemoryPendingStore({ clock });
  });

  afterAll(async () => {
    await client.close();
    await emulator.close();
  });

  async function pendingFor(sessionKey: string, digits: string): Promise<void> {
    // A final status, so the strategy does not hang the call up.
    const callId = `call-${sessionKey}`;
    const pending: PendingCall = {
      callId,
      phone: '+79990000001',
      maskPrefix: '7925688',
      codeLength: 4,
      codeHash: hashCode(Buffer.from(SECRET), sessionKey, callId, digits),
      attemptsLeft: 3,
      createdAt: clock.now(),
      expiresAt: clock.now() + 300_000,
      repeatAt: clock.now() + 30_000,
      lastStatus: 'answered',
    };
    await store.put(sessionKey, pending);
  }

  /** Runs authenticate() as Passport does: with success, fail and error attached. */
  function run(strategy: LoginByCallStrategy, req: object): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    return new Promise((resolve) => {
      const record = (outcome: Outcome): void => {
        outcomes.push(outcome);
        // Any second outcome would arrive within the same turn of the event loop.
        setImmediate(() => resolve(outcomes));
      };
      const delegate = Object.assign(Object.create(strategy) as LoginByCallStrategy, {
        success: (user: unknown) => record({ kind: 'success', value: user }),
        fail: (info: unknown, status?: number) =>
          record({ kind: 'fail', value: info, ...(status === undefined ? {} : { status }) }),
        error: (error: unknown) => record({ kind: 'error', value: error }),
      });
      delegate.authenticate(req as IncomingMessage);
    });
  }

  const make = (verify: (phone: string) => Promise<unknown>): LoginByCallStrategy =>
    new LoginByCallStrategy({ client, store, secret: SECRET, clock }, verify);

  it('succeeds once with the right code', async () => {
    await pendingFor('s-right', '0636');
    const strategy = make(async (phone) => ({ phone }));
    const outcomes = await run(strategy, {
      session: {},
      sessionID: 's-right',
      body: { code: '0636' },
    });
    expect(outcomes).toEqual([{ kind: 'success', value: { phone: '+79990000001' } }]);
  });

  it('fails once with 401 for a wrong code', async () => {
    await pendingFor('s-wrong', '0636');
    const outcomes = await run(
      make(async () => ({})),
      {
        session: {},
        sessionID: 's-wrong',
        body: { code: '1111' },
      },
    );
    expect(outcomes).toEqual([
      {
        kind: 'fail',
        value: { code: 'WRONG_CODE', message: 'Wrong code: 2 attempts left.', attemptsLeft: 2 },
        status: 401,
      },
    ]);
  });

  it('fails once with 403 when verify resolves false', async () => {
    await pendingFor('s-false', '0636');
    const outcomes = await run(
      make(async () => false),
      {
        session: {},
        sessionID: 's-false',
        body: { code: '0636' },
      },
    );
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.kind).toBe('fail');
    expect(outcomes[0]?.status).toBe(403);
  });

  it('errors once when verify throws', async () => {
    await pendingFor('s-throw', '0636');
    const outcomes = await run(
      make(async () => {
        throw new Error('database down');
      }),
      { session: {}, sessionID: 's-throw', body: { code: '0636' } },
    );
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.kind).toBe('error');
    expect((outcomes[0]?.value as Error).message).toBe('database down');
  });

  it('errors with a hint without a session', async () => {
    const outcomes = await run(
      make(async () => ({})),
      { body: { code: '0636' } },
    );
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.kind).toBe('error');
    expect((outcomes[0]?.value as Error).message).toContain('mount express-session');
  });

  it('errors with a hint without a body parser', async () => {
    await pendingFor('s-no-body', '0636');
    const outcomes = await run(
      make(async () => ({})),
      { session: {}, sessionID: 's-no-body' },
    );
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.kind).toBe('error');
    expect((outcomes[0]?.value as Error).message).toContain('express.urlencoded()');
    expect((outcomes[0]?.value as { code?: string }).code).toBe('ERR_LOGINBYCALL_BODY_REQUIRED');
    // No attempt was taken, so the right code still works once a parser is mounted.
    expect((await store.get('s-no-body'))?.attemptsLeft).toBe(3);
  });

  it('reads the code from codeField', async () => {
    await pendingFor('s-field', '0636');
    const strategy = new LoginByCallStrategy(
      { client, store, secret: SECRET, clock, codeField: 'otp' },
      async (phone) => ({ phone }),
    );
    const outcomes = await run(strategy, {
      session: {},
      sessionID: 's-field',
      body: { otp: '0636' },
    });
    expect(outcomes[0]?.kind).toBe('success');
  });

  it('passes req to verify with passReqToCallback', async () => {
    await pendingFor('s-req', '0636');
    const strategy = new LoginByCallStrategy(
      { client, store, secret: SECRET, clock, passReqToCallback: true },
      async (phone, req) => ({ phone, url: req.url }),
    );
    const outcomes = await run(strategy, {
      url: '/login',
      session: {},
      sessionID: 's-req',
      body: { code: '0636' },
    });
    expect(outcomes).toEqual([
      { kind: 'success', value: { phone: '+79990000001', url: '/login' } },
    ]);
  });

  it('is named loginbycall', () => {
    expect(make(async () => ({})).name).toBe('loginbycall');
  });
});
