import session from 'express-session';
import { RedisStore } from 'connect-redis';

/**
 * Creates the session middleware both benchmark apps use: express-session with connect-redis 8 on the
 * app's ioredis client, a cookie that lives `ttlSeconds` (so the Redis key gets that TTL)
 * and sessions saved only once something was stored in them.
 */
export function createSessionMiddleware({ client, secret, ttlSeconds, prefix }) {
  return session({
    store: new RedisStore({ client, prefix, ttl: ttlSeconds }),
    secret,
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', maxAge: ttlSeconds * 1000 },
  });
}

/** Reads a required environment variable or fails with its name. */
export function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}: the bench runner sets it`);
  return value;
}
