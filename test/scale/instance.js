// One app instance for the scale-out tests, run as its own process: Express 5,
// express-session with connect-redis 8, Passport and the package's router. Sessions and
// pending calls live in Redis (a single server or a Cluster), so several instances can serve
// the same browser. It imports the built package, so `npm run build` must have run first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
if (!existsSync(built)) {
  console.error(
    `dist/index.js is missing: run \`npm run build\` (npm test does) before these tests`,
  );
  process.exit(3);
}

const { default: express } = await import('express');
const { default: session } = await import('express-session');
const { RedisStore } = await import('connect-redis');
const { Passport } = (await import('passport')).default;
const { Redis, Cluster } = await import('ioredis');
const { LoginByCallClient, LoginByCallStrategy, RedisPendingStore, consoleLogger, loginByCall } =
  await import('passport-loginbycall');

function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`Missing environment variable ${name}: the scale-out tests set it`);
    process.exit(2);
  }
  return value;
}

const port = Number(requireEnv('PORT'));
const keyPrefix = requireEnv('KEY_PREFIX');
const secret = requireEnv('APP_SECRET');
const instanceName = requireEnv('INSTANCE_NAME');

// REDIS_CLUSTER_NODES is a JSON list of { host, port }; without it REDIS_URL names one server.
const clusterNodes = process.env.REDIS_CLUSTER_NODES;
const redis = clusterNodes
  ? new Cluster(JSON.parse(clusterNodes), { redisOptions: { maxRetriesPerRequest: 1 } })
  : new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: 1 });

const client = new LoginByCallClient({
  callApiId: requireEnv('CALL_API_ID'),
  apiKey: requireEnv('API_KEY'),
  apiUrl: requireEnv('API_URL'),
});
const store = new RedisPendingStore({ client: redis, keyPrefix });
// The console logger puts store and upstream errors into the output that tests inspect.
const core = { client, store, secret, maxAttempts: 3, logger: consoleLogger };

const passport = new Passport();
passport.use(new LoginByCallStrategy(core, async (phone) => ({ phone })));
passport.serializeUser((user, done) => done(null, user.phone));
passport.deserializeUser((phone, done) => done(null, { phone }));

const app = express();
app.use(
  session({
    store: new RedisStore({ client: redis, prefix: `${keyPrefix}sess:` }),
    secret,
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', maxAge: 600_000 },
  }),
);
app.use(passport.initialize());
app.use(passport.session());
app.use(
  loginByCall({
    ...core,
    passport,
    limits: JSON.parse(process.env.LIMITS ?? '{}'),
  }),
);
app.get('/me', (req, res) => {
  res.json({ instance: instanceName, user: req.user ?? null });
});

const server = app.listen(port, '127.0.0.1', () => {
  console.log(`${instanceName} listening on 127.0.0.1:${port}`);
});

process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  Promise.allSettled([client.close(), store.close(), redis.quit()]).then(() => process.exit(0));
});
