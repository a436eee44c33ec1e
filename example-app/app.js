import { createServer } from 'node:http';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import express from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { Passport } from 'passport';
import { Redis } from 'ioredis';
import { RedisStore } from 'connect-redis';
import {
  LoginByCallClient,
  LoginByCallStrategy,
  MemoryPendingStore,
  consoleLogger,
  RedisPendingStore,
  createEmulator,
  loginByCall,
} from 'passport-loginbycall';
import { requireCsrfToken } from './csrf.js';
import { addPages, rememberTypedPhone } from './pages.js';
import { openUserRepository } from './users.js';

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

/** How long a signed-in session lasts, in milliseconds: 7 days. */
const SESSION_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * How long a session without a user lasts, in milliseconds: 1 hour, longer than any code stays
 * valid (at most 10 minutes). Every visitor who loads a page gets a session for the CSRF token,
 * so this keeps anonymous traffic from filling the session store for a week.
 */
const ANONYMOUS_SESSION_MAX_AGE_MS = 60 * 60 * 1000;

/**
 * @typedef {object} RunningExampleApp
 * @property {import('node:http').Server} server
 * @property {string} url Base URL the app serves, such as `http://127.0.0.1:3000`.
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
      logger: consoleLogger,
    });
  } else {
    const { callApiId, apiKey, apiUrl: serviceUrl } = config.service;
    client = new LoginByCallClient({
      callApiId,
      apiKey,
      ...(serviceUrl === undefined ? {} : { apiUrl: serviceUrl }),
      logger: consoleLogger,
    });
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
  // The console logger shows operators failed status checks and hang-ups; it never gets codes,
  // keys or full phone numbers from the package.
  const core = { client, store: pendingStore, secret: config.codeSecret, logger: consoleLogger };

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
  app.use(shortenAnonymousSessions);

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

/**
 * Gives sessions without a signed-in user the short lifetime. Signing in regenerates the
 * session, which then gets the full SESSION_MAX_AGE_MS again.
 *
 * @type {import('express').RequestHandler}
 */
function shortenAnonymousSessions(req, _res, next) {
  if (!req.user && req.session) req.session.cookie.maxAge = ANONYMOUS_SESSION_MAX_AGE_MS;
  next();
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
