// The hand-written baseline: the least an app must do for a flash-call sign-in with the same
// session store as the package app. It has none of the package's protections (no rate
// limits, no attempt counter, no phone parsing beyond a digit check, no hang-up), which is
// what makes it a lower bound on cost.
import { createHmac, timingSafeEqual } from 'node:crypto';
import express from 'express';
import { Redis } from 'ioredis';
import { Pool } from 'undici';
import { signedCallBody } from '../lib/sign.js';
import { CodeTap, codeRoute } from './code-tap.js';
import { createSessionMiddleware, requireEnv } from './session.js';

const port = Number(requireEnv('PORT'));
const apiUrl = new URL(requireEnv('API_URL'));
const callApiId = requireEnv('CALL_API_ID');
const apiKey = requireEnv('API_KEY');
const secret = requireEnv('APP_SECRET');
const ttlSeconds = Number(requireEnv('TTL_SECONDS'));

// Auto-pipelining sends the commands issued in one tick in one socket write, as docs/stores.md
// recommends; both apps use it, so the comparison stays fair.
const redis = new Redis(requireEnv('REDIS_URL'), { enableAutoPipelining: true });
const upstream = new Pool(apiUrl.origin, { connections: 32, keepAliveTimeout: 30_000 });
const callPath = new URL('call', apiUrl).pathname;
const tap = new CodeTap();

/** Places a call through the emulator and returns the service's JSON response. */
async function placeCall(msisdn, ipAddress) {
  const { statusCode, body } = await upstream.request({
    method: 'POST',
    path: callPath,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: signedCallBody({ callApiId, apiKey, msisdn, ipAddress }),
  });
  const response = await body.json();
  if (statusCode !== 200) throw new Error(`call returned HTTP ${statusCode}`);
  return response;
}

function codeHash(sessionId, callId, digits) {
  return createHmac('sha256', secret).update(`${sessionId}:${callId}:${digits}`).digest();
}

const pendingKey = (sessionId) => `baseline:{${sessionId}}:pending`;

const app = express();
app.use(createSessionMiddleware({ client: redis, secret, ttlSeconds, prefix: 'sess:' }));
app.use(express.json({ limit: '4kb' }));

app.post('/auth/phone/start', async (req, res, next) => {
  try {
    const phone = typeof req.body?.phone === 'string' ? req.body.phone : '';
    const msisdn = phone.replace(/^\+/, '');
    if (!/^[1-9]\d{7,14}$/.test(msisdn)) {
      res.status(400).json({ error: { code: 'INVALID_PHONE', message: 'Invalid phone number' } });
      return;
    }

    const result = await placeCall(msisdn, req.ip?.replace(/^::ffff:/, ''));
    if (result.error) {
      res.status(502).json({ error: { code: 'UPSTREAM_ERROR', message: 'Call failed' } });
      return;
    }

    const digits = result.mask.slice(-result.codelen);
    tap.record(msisdn, digits);
    const record = {
      callId: result.call,
      phone: `+${msisdn}`,
      maskPrefix: result.mask.slice(0, -result.codelen),
      codeLength: result.codelen,
      codeHash: codeHash(req.sessionID, result.call, digits).toString('hex'),
      expiresAt: Date.now() + ttlSeconds * 1000,
    };
    await redis.set(pendingKey(req.sessionID), JSON.stringify(record), 'PX', ttlSeconds * 1000);
    req.session.phoneFlow = true;
    res.json({
      maskPrefix: record.maskPrefix,
      codeLength: record.codeLength,
      retryAfterSeconds: result.repeat_timeout,
      expiresInSeconds: ttlSeconds,
    });
  } catch (error) {
    next(error);
  }
});

app.post('/auth/phone/verify', async (req, res, next) => {
  try {
    const raw = await redis.get(pendingKey(req.sessionID));
    if (raw === null) {
      res.status(409).json({ error: { code: 'NO_PENDING_CALL', message: 'No call pending' } });
      return;
    }
    const record = JSON.parse(raw);
    const code = typeof req.body?.code === 'string' ? req.body.code : '';
    const expected = Buffer.from(record.codeHash, 'hex');
    const actual = codeHash(req.sessionID, record.callId, code);
    if (!timingSafeEqual(actual, expected)) {
      res.status(401).json({ error: { code: 'WRONG_CODE', message: 'Wrong code' } });
      return;
    }

    await redis.del(pendingKey(req.sessionID));
    req.session.regenerate((error) => {
      if (error) return next(error);
      req.session.user = record.phone;
      res.json({ ok: true });
    });
  } catch (error) {
    next(error);
  }
});

app.get('/auth/phone/status', async (req, res, next) => {
  try {
    const raw = await redis.get(pendingKey(req.sessionID));
    if (raw === null) {
      res.json({ status: 'idle' });
      return;
    }
    const record = JSON.parse(raw);
    res.json({
      status: 'pending',
      maskPrefix: record.maskPrefix,
      codeLength: record.codeLength,
      expiresInSeconds: Math.max(0, Math.ceil((record.expiresAt - Date.now()) / 1000)),
    });
  } catch (error) {
    next(error);
  }
});

app.get('/bench/code', codeRoute(tap));

const server = app.listen(port, '127.0.0.1');

process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  Promise.allSettled([upstream.close(), redis.quit()]).then(() => process.exit(0));
});
