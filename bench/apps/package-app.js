// The package as an app would use it: Express 5, express-session with connect-redis 8 on
// ioredis, Passport, the loginByCall() router, LoginByCallStrategy and RedisPendingStore,
// with every protection on. Limits are raised or shortened only where noted below.
import express from 'express';
import passport from 'passport';
import { Redis } from 'ioredis';
import {
  LoginByCallClient,
  LoginByCallStrategy,
  RedisPendingStore,
  loginByCall,
} from 'passport-loginbycall';
import { CodeTap, codeRoute } from './code-tap.js';
import { createSessionMiddleware, requireEnv } from './session.js';

const port = Number(requireEnv('PORT'));
const secret = requireEnv('APP_SECRET');
const ttlSeconds = Number(requireEnv('TTL_SECONDS'));
const tap = new CodeTap();

/** The real client, plus a copy of each call's digits for the load generator (see CodeTap). */
class TappedClient extends LoginByCallClient {
  async call(params) {
    const result = await super.call(params);
    tap.record(params.msisdn.replace(/^\+/, ''), result.mask.slice(-result.codeLength));
    return result;
  }
}

// Auto-pipelining sends the commands issued in one tick in one socket write, as docs/stores.md
// recommends; both apps use it, so the comparison stays fair.
const redis = new Redis(requireEnv('REDIS_URL'), { enableAutoPipelining: true });
const client = new TappedClient({
  callApiId: requireEnv('CALL_API_ID'),
  apiKey: requireEnv('API_KEY'),
  apiUrl: requireEnv('API_URL'),
});
const store = new RedisPendingStore({ client: redis, keyPrefix: 'lbc:' });
const core = { client, store, secret, codeTtlSeconds: ttlSeconds };

passport.use(new LoginByCallStrategy(core, async (phone) => ({ phone })));
passport.serializeUser((user, done) => done(null, user.phone));
passport.deserializeUser((phone, done) => done(null, { phone }));

const app = express();
app.use(createSessionMiddleware({ client: redis, secret, ttlSeconds, prefix: 'sess:' }));
app.use(passport.initialize());
app.use(passport.session());
app.use(
  loginByCall({
    ...core,
    passport,
    // Every request of the benchmark comes from 127.0.0.1, so the per-IP limit is raised to
    // its maximum; the global budget is turned on with a budget that the run never reaches.
    // Windows are 60 s instead of the defaults so every counter key expires soon after the
    // run. Each number is called once, so the per-phone limit keeps its default count.
    limits: {
      perPhone: { points: 3, durationSeconds: ttlSeconds },
      perIp: { points: 1_000_000, durationSeconds: ttlSeconds },
      perSession: { points: 5, durationSeconds: ttlSeconds },
      global: { points: 1_000_000, durationSeconds: ttlSeconds },
    },
  }),
);
app.get('/bench/code', codeRoute(tap));

const server = app.listen(port, '127.0.0.1');

process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  Promise.allSettled([client.close(), store.close(), redis.quit()]).then(() => process.exit(0));
});
