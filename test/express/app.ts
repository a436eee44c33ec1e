import { afterEach } from 'vitest';
import { once } from 'node:events';
import type { Server } from 'node:http';
import express from 'express';
import express4 from 'express4';
import session from 'express-session';
import { RedisStore } from 'connect-redis';
import { Passport } from 'passport';
import { Redis } from 'ioredis';
import supertest from 'supertest';
import {
  LoginByCallClient,
  LoginByCallStrategy,
  ManualClock,
  MemoryPendingStore,
  RedisPendingStore,
  createEmulator,
  getLoginByCallState,
  loginByCall,
  silentLogger,
  type Emulator,
  type LoginByCallEvent,
  type LoginByCallLimits,
  type LoginByCallRedirects,
  type Logger,
  type PendingStore,
} from '../../src/index.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';

export const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

export interface TestUser {
  id: string;
  phone: string;
}

export interface TestAppOptions {
  /** Which Express major serves the app. Default 5. */
  express?: 4 | 5;
  mode?: 'sign-in' | 'second-factor';
  limits?: LoginByCallLimits;
  redirects?: LoginByCallRedirects;
  /** Express `trust proxy` setting. Default: not set (off). */
  trustProxy?: boolean | string | number;
  /** `redis` (default) uses the run's Redis under a unique prefix; `memory` a MemoryPendingStore. */
  store?: 'redis' | 'memory' | { url: string } | { instance: PendingStore };
  /** Mounts the app's own body parsers before the router. Default false. */
  appBodyParsers?: boolean;
  codeTtlSeconds?: number;
  maxAttempts?: number;
  failedCodesPerPhonePerDay?: number | false;
  /** Numbers (E.164) that verify refuses. */
  refusedPhones?: string[];
  /** Extra router options. */
  defaultCountry?: 'RU';
  allowedCountries?: ('RU' | 'US')[];
  /** The emulator's repeat timeout in seconds. Default 30. */
  repeatTimeout?: number;
  /** The client's request timeout in ms. Default 2000. */
  clientTimeoutMs?: number;
  /** Keeps sessions in this Redis with connect-redis instead of express-session's memory store. */
  sessionRedisUrl?: string;
  /** Runs before the router, after session and Passport. */
  beforeRouter?: express.RequestHandler;
  /** Leaves express-session out, to test the error. */
  withoutSession?: boolean;
}

export interface TestApp {
  /** Base URL of the app, listening on 127.0.0.1. */
  url: string;
  emulator: Emulator;
  clock: ManualClock;
  store: PendingStore;
  events: LoginByCallEvent[];
  logs: { level: string; fields: Record<string, unknown>; message: string }[];
  users: Map<string, TestUser>;
  /** A supertest agent that keeps cookies, like one browser. */
  agent(): supertest.Agent;
  /** The code of the newest call to `msisdn` (digits without `+`), read from the emulator. */
  codeOf(msisdn: string): string;
  /** The full mask of the newest call to `msisdn`. */
  maskOf(msisdn: string): string;
  /** Resolves with the first event of `type` that arrives (or already arrived). */
  nextEvent<T extends LoginByCallEvent['type']>(
    type: T,
  ): Promise<Extract<LoginByCallEvent, { type: T }>>;
  close(): Promise<void>;
}

/**
 * Builds the app the router tests drive: express-session (memory store), a private Passport
 * instance with the strategy, the router, and the emulator over real HTTP on 127.0.0.1.
 * Extra routes: `POST /test/sign-in-as` signs a user in without a code (for second-factor).
 * `GET /whoami` returns the user and the session's Passport messages. `GET /page/state` returns
 * `getLoginByCallState(req)` as a server-rendered page would read it. `POST /login/code`
 * runs the strategy on the app's own route with successRedirect / failureRedirect.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  const emulator = createEmulator({
    clock,
    logger: silentLogger,
    codeLength: 4,
    repeatTimeout: options.repeatTimeout ?? 30,
  });
  const { apiUrl } = await emulator.listen({ port: 0, host: '127.0.0.1' });
  const client = new LoginByCallClient({
    ...emulator.account,
    apiUrl,
    timeoutMs: options.clientTimeoutMs ?? 2000,
    retries: 0,
    clock,
  });

  const logs: TestApp['logs'] = [];
  const logger: Logger = {
    info: (fields, message) => logs.push({ level: 'info', fields, message }),
    warn: (fields, message) => logs.push({ level: 'warn', fields, message }),
    error: (fields, message) => logs.push({ level: 'error', fields, message }),
  };

  let redis: Redis | undefined;
  let sessionRedis: Redis | undefined;
  let store: PendingStore;
  if (options.store === 'memory') {
    store = new MemoryPendingStore({ clock });
  } else if (typeof options.store === 'object' && 'instance' in options.store) {
    store = options.store.instance;
  } else {
    const url = typeof options.store === 'object' ? options.store.url : redisUrl();
    redis = new Redis(url, { maxRetriesPerRequest: 1 });
    // Connection errors reach the tests as StoreUnavailableError; the event needs a listener.
    redis.on('error', (error: Error) => {
      logs.push({ level: 'redis', fields: { error: error.message }, message: 'redis error' });
    });
    await once(redis, 'ready');
    store = new RedisPendingStore({
      client: redis,
      keyPrefix: uniquePrefix('router'),
      clock,
      commandTimeoutMs: 500,
    });
  }

  const events: LoginByCallEvent[] = [];
  const waiters: { type: string; resolve: (event: LoginByCallEvent) => void }[] = [];
  const onEvent = (event: LoginByCallEvent): void => {
    events.push(event);
    for (const waiter of waiters.filter((item) => item.type === event.type)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(event);
    }
  };
  const core = {
    client,
    store,
    secret: SECRET,
    clock,
    logger,
    onEvent,
    ...(options.codeTtlSeconds === undefined ? {} : { codeTtlSeconds: options.codeTtlSeconds }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    ...(options.failedCodesPerPhonePerDay === undefined
      ? {}
      : { failedCodesPerPhonePerDay: options.failedCodesPerPhonePerDay }),
  };

  const users = new Map<string, TestUser>();
  const refused = new Set(options.refusedPhones ?? []);
  const passport = new Passport();
  passport.use(
    new LoginByCallStrategy(core, async (phone) => {
      if (refused.has(phone)) return false;
      const user = users.get(phone) ?? { id: `user-${users.size + 1}`, phone };
      users.set(phone, user);
      return user;
    }),
  );
  passport.serializeUser((user, done) => done(null, JSON.stringify(user)));
  passport.deserializeUser((text: string, done) => done(null, JSON.parse(text) as TestUser));

  const factory = options.express === 4 ? express4 : express;
  const app = factory();
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);
  if (!options.withoutSession) {
    let sessionStore: RedisStore | undefined;
    if (options.sessionRedisUrl !== undefined) {
      sessionRedis = new Redis(options.sessionRedisUrl, { maxRetriesPerRequest: 0 });
      sessionRedis.on('error', (error: Error) => {
        logs.push({ level: 'redis', fields: { error: error.message }, message: 'redis error' });
      });
      sessionStore = new RedisStore({ client: sessionRedis, prefix: uniquePrefix('session') });
    }
    app.use(
      session({
        ...(sessionStore ? { store: sessionStore } : {}),
        secret: SECRET,
        resave: false,
        saveUninitialized: false,
        cookie: { httpOnly: true, sameSite: 'lax' },
      }),
    );
    app.use(passport.initialize());
    app.use(passport.session());
  }
  if (options.appBodyParsers) {
    app.use(factory.json({ limit: '4kb' }));
    app.use(factory.urlencoded({ extended: false, limit: '4kb' }));
  }

  app.post('/test/sign-in-as', (req, res, next) => {
    req.logIn({ id: 'password-user', phone: '' }, (error) => {
      if (error) next(error);
      else res.json({ ok: true });
    });
  });
  app.get('/whoami', (req, res) => {
    const sessionData = req.session as unknown as Record<string, unknown> | undefined;
    res.json({
      user: req.user ?? null,
      sessionId: req.sessionID ?? null,
      messages: sessionData?.['messages'] ?? [],
      confirmed:
        (sessionData?.['loginByCall'] as { confirmed?: unknown } | undefined)?.confirmed ?? null,
    });
  });
  app.post(
    '/login/code',
    factory.urlencoded({ extended: false }),
    passport.authenticate('loginbycall', {
      successRedirect: '/home',
      failureRedirect: '/login/code',
      failureMessage: true,
    }),
  );

  if (options.beforeRouter) app.use(options.beforeRouter);
  app.use(
    loginByCall({
      ...core,
      passport,
      ...(options.mode ? { mode: options.mode } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.redirects ? { redirects: options.redirects } : {}),
      ...(options.defaultCountry ? { defaultCountry: options.defaultCountry } : {}),
      ...(options.allowedCountries ? { allowedCountries: options.allowedCountries } : {}),
    }),
  );

  app.get('/page/state', (req, res, next) => {
    getLoginByCallState(req).then((state) => res.json(state), next);
  });

  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const url = `http://127.0.0.1:${address.port}`;

  const newestCall = (msisdn: string): { mask: string; codeLength: number } => {
    const call = emulator.calls({ msisdn })[0];
    if (!call) throw new Error(`The emulator placed no call to ${msisdn}`);
    return call;
  };

  return {
    url,
    emulator,
    clock,
    store,
    events,
    logs,
    users,
    agent: () => supertest.agent(url),
    codeOf: (msisdn) => {
      const call = newestCall(msisdn);
      return call.mask.slice(-call.codeLength);
    },
    maskOf: (msisdn) => newestCall(msisdn).mask,
    nextEvent: <T extends LoginByCallEvent['type']>(type: T) => {
      const earlier = events.find((event) => event.type === type);
      if (earlier) return Promise.resolve(earlier as Extract<LoginByCallEvent, { type: T }>);
      return new Promise((resolve) => {
        waiters.push({ type, resolve: resolve as (event: LoginByCallEvent) => void });
      });
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
      await emulator.close();
      await client.close?.();
      await store.close();
      redis?.disconnect();
      sessionRedis?.disconnect();
    },
  };
}

/**
 * Returns `open(options)`, which builds a test app for the current test and closes it after
 * the test. Call it once at the top of a test file.
 */
export function openAppPerTest(): (options?: TestAppOptions) => Promise<TestApp> {
  let current: TestApp | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (options = {}) => {
    current = await createTestApp(options);
    return current;
  };
}

/** Posts `body` as JSON with `Accept: application/json`, as the browser script does. */
export function postJson(agent: supertest.Agent, path: string, body: unknown): supertest.Test {
  return agent
    .post(path)
    .set('Accept', 'application/json')
    .send(body as object);
}
