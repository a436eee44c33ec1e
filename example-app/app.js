import { createServer } from 'node:http';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import express from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { Passport } from 'passport';
import { Redis } from 'ioredis';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { RedisStore } from 'connect-redis';
import {
  LoginByCallClient,
  LoginByCallStrategy,
  MemoryPendingStore,
  RedisPendingStore,
  createEmulator,
  getLoginByCallState,
  loginByCall,
} from 'passport-loginbycall';
import { csrfToken, requireCsrfToken } from './csrf.js';
import { pickLocale } from './i18n.js';
import { openUserRepository } from './users.js';
import { errorPage, profilePage, signInPage, waitingPage } from './views.js';

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

/** How long a signed-in session lasts without a visit, in milliseconds: 7 days. */
const SESSION_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * @typedef {object} RunningExampleApp
 * @property {import('node:http').Server} server
 * @property {string} url Base URL the app serves, such as `http://127.0.0.1:3000`.
 * @property {string | undefined} virtualPhoneUrl URL pattern of the emulator's phone page, in emulator mode.
 * @property {() => Promise<void>} close Stops the server and releases Redis and the database.
 */

/**
 * Builds the example app and starts listening on `config.host` and `config.port`.
 *
 * In emulator mode the client calls the emulator over HTTP on the app's own port, so the port
 * must be known before the client exists. The server therefore listens first and gets its
 * request handler in the same tick, before any connection can be read.
 *
 * @param {import('./config.js').ExampleConfig} config
 * @returns {Promise<RunningExampleApp>}
 */
export async function createExampleApp(config) {
  const redis = config.redisUrl === undefined ? undefined : await connectRedis(config.redisUrl);
  const users = openUserRepository(config.databasePath);

  const server = createServer();
  server.listen(config.port, config.host);
  try {
    await once(server, 'listening');
  } catch (error) {
    users.close();
    await redis?.quit();
    throw error;
  }
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const loopbackHost = isWildcard(config.host) ? '127.0.0.1' : config.host;
  const url = `http://${formatHost(loopbackHost)}:${address.port}`;

  const parts = buildApp(config, { redis, users, apiUrl: url });
  server.on('request', parts.app);

  return {
    server,
    url,
    virtualPhoneUrl: parts.emulator === undefined ? undefined : `${url}/emulator/phone/<number>`,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
      await parts.pendingStore.close();
      await parts.emulator?.close?.();
      await redis?.quit();
      users.close();
    },
  };
}

/**
 * Connects to Redis and waits for a PING reply, so a wrong REDIS_URL fails at start instead of
 * on the first request.
 *
 * @param {string} url
 * @returns {Promise<Redis>}
 */
async function connectRedis(url) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not connect to REDIS_URL: ${reason}. Start Redis or unset REDIS_URL.`, {
      cause: error,
    });
  }
  return redis;
}

/**
 * Wires the middleware and routes in the order they must run: the emulator, security headers,
 * static files, sessions, body parsers, the CSRF check, Passport, the sign-in router, pages.
 *
 * @param {import('./config.js').ExampleConfig} config
 * @param {{ redis: Redis | undefined, users: import('./users.js').UserRepository, apiUrl: string }} deps
 */
function buildApp(config, { redis, users, apiUrl }) {
  const app = express();
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');

  // The emulator serves its own pages and API, so it comes before the app's headers and session.
  let emulator;
  let client;
  if (config.service === undefined) {
    emulator = createEmulator(
      config.emulatorRepeatTimeoutSeconds === undefined
        ? {}
        : { repeatTimeout: config.emulatorRepeatTimeoutSeconds },
    );
    app.use(emulator.handler);
    client = new LoginByCallClient({
      callApiId: emulator.account.callApiId,
      apiKey: emulator.account.apiKey,
      apiUrl,
    });
  } else {
    client = new LoginByCallClient(
      config.service.apiUrl === undefined
        ? { callApiId: config.service.callApiId, apiKey: config.service.apiKey }
        : config.service,
    );
  }

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
        },
      },
      // Plain HTTP on localhost must keep working, so HSTS is left to the HTTPS proxy in front.
      strictTransportSecurity: config.production,
    }),
  );
  app.use(express.static(PUBLIC_DIR, { index: false, maxAge: config.production ? '1h' : 0 }));

  app.use(
    session({
      name: 'sid',
      secret: config.sessionSecret,
      store:
        redis === undefined
          ? undefined
          : new RedisStore({ client: redis, prefix: `${config.redisKeyPrefix}sess:` }),
      resave: false,
      saveUninitialized: false,
      cookie: {
        httpOnly: true,
        sameSite: 'lax',
        secure: config.production,
        maxAge: SESSION_MAX_AGE_MS,
      },
    }),
  );
  app.use(express.urlencoded({ extended: false, limit: '4kb' }));
  app.use(express.json({ limit: '4kb' }));
  app.use(requireCsrfToken());

  const pendingStore =
    redis === undefined
      ? new MemoryPendingStore()
      : new RedisPendingStore({ client: redis, keyPrefix: `${config.redisKeyPrefix}pending:` });
  const core = { client, store: pendingStore, secret: config.codeSecret };

  const passport = new Passport();
  passport.use(
    new LoginByCallStrategy(core, async (/** @type {string} */ phone) => users.signIn(phone)),
  );
  passport.serializeUser((/** @type {any} */ user, done) => done(null, user.id));
  passport.deserializeUser((/** @type {number} */ id, done) =>
    done(null, users.findById(id) ?? false),
  );
  app.use(passport.initialize());
  app.use(passport.session());

  app.post('/auth/phone/start', rememberTypedPhone);
  app.use(
    loginByCall({
      ...core,
      passport,
      defaultCountry: config.defaultCountry,
      redirects: { code: '/', success: '/profile', failure: '/', start: '/' },
    }),
  );

  addPages(app, { emulator: emulator !== undefined, defaultCountry: config.defaultCountry });
  return { app, emulator, pendingStore };
}

/** Longest typed phone number kept in the session, in characters. */
const MAX_TYPED_PHONE_LENGTH = 32;

/**
 * Keeps the number as typed in the session before the sign-in router places the call, so the
 * code page can offer "Call me again" to the same number and link the emulator's phone page.
 * The router reads the same field again and rejects numbers it cannot call.
 *
 * @type {import('express').RequestHandler}
 */
function rememberTypedPhone(req, _res, next) {
  const phone = req.body?.phone;
  if (typeof phone === 'string' && phone.length <= MAX_TYPED_PHONE_LENGTH) {
    /** @type {any} */ (req.session).typedPhone = phone;
  }
  next();
}

/**
 * Adds the pages: sign-in and code on `/`, the profile, sign-out and `/me`.
 *
 * @param {import('express').Express} app
 * @param {{ emulator: boolean, defaultCountry: string }} options
 */
function addPages(app, { emulator, defaultCountry }) {
  /** @param {import('express').Request} req */
  const contextOf = (req) => ({ locale: pickLocale(req), csrfToken: csrfToken(req), emulator });

  app.get('/', async (req, res) => {
    if (req.user) {
      res.redirect(303, '/profile');
      return;
    }
    const state = await getLoginByCallState(req);
    const context = contextOf(req);
    res.set('Cache-Control', 'no-store');
    if (state.phase === 'pending' || state.phase === 'expired') {
      const typedPhone = /** @type {any} */ (req.session).typedPhone;
      res.send(
        waitingPage(context, {
          maskPrefix: state.maskPrefix,
          codeLength: state.codeLength,
          attemptsLeft: state.attemptsLeft,
          retryAfterSeconds: state.retryAfterSeconds,
          expiresInSeconds: state.expiresInSeconds,
          status: state.status,
          typedPhone,
          msisdn: toMsisdn(typedPhone, defaultCountry),
          message: state.message ?? (state.phase === 'expired' ? { code: 'EXPIRED' } : undefined),
        }),
      );
    } else {
      // After a rejected number the form keeps it for correction; after a cancel it is empty.
      const keepPhone = state.message !== undefined && state.message.code !== 'CANCELLED';
      const typedPhone = /** @type {any} */ (req.session).typedPhone;
      res.send(
        signInPage(context, { message: state.message, phone: keepPhone ? typedPhone : undefined }),
      );
    }
  });

  app.get('/profile', (req, res) => {
    const user = /** @type {import('./users.js').User | undefined} */ (req.user);
    if (!user) {
      res.redirect(303, '/');
      return;
    }
    res.set('Cache-Control', 'no-store');
    res.send(profilePage(contextOf(req), user));
  });

  app.post('/logout', (req, res, next) => {
    req.logout((error) => {
      if (error) next(error);
      else res.redirect(303, '/');
    });
  });

  app.get('/me', (req, res) => {
    const user = /** @type {import('./users.js').User | undefined} */ (req.user);
    res.set('Cache-Control', 'no-store');
    if (!user) {
      res.status(401).json({ error: { code: 'NOT_SIGNED_IN', message: 'Sign in first.' } });
      return;
    }
    res.json({ id: user.id, phone: user.phone });
  });

  app.use((req, res) => {
    res.status(404).send(errorPage(contextOf(req), 'error.notFound'));
  });

  app.use(
    /** @type {import('express').ErrorRequestHandler} */
    (error, req, res, _next) => {
      // Body parsers mark bad input with a 4xx status: too large, malformed JSON.
      const status = error?.status >= 400 && error?.status < 500 ? error.status : 500;
      const fields = { method: req.method, path: req.path, status, code: error?.code };
      console.error(`example-app: request failed: ${error?.message} ${JSON.stringify(fields)}`);
      if (res.headersSent) return;
      if (req.accepts(['html', 'json']) === 'json') {
        res.status(status).json({ error: { code: 'REQUEST_FAILED', message: 'Try again.' } });
        return;
      }
      res.status(status).send(errorPage(contextOf(req), 'error.server'));
    },
  );
}

/**
 * Returns the E.164 digits without `+` of a typed number, or undefined when it does not parse.
 *
 * @param {unknown} typedPhone
 * @param {string} defaultCountry
 * @returns {string | undefined}
 */
function toMsisdn(typedPhone, defaultCountry) {
  if (typeof typedPhone !== 'string') return undefined;
  const parsed = parsePhoneNumberFromString(
    typedPhone,
    /** @type {import('libphonenumber-js').CountryCode} */ (defaultCountry),
  );
  return parsed?.number.slice(1);
}

/**
 * @param {string} host
 * @returns {boolean}
 */
function isWildcard(host) {
  return host === '0.0.0.0' || host === '::';
}

/**
 * @param {string} host
 * @returns {string}
 */
function formatHost(host) {
  return host.includes(':') ? `[${host}]` : host;
}
