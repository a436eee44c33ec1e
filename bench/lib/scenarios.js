import { performance } from 'node:perf_hooks';
import { signedCallBody } from './sign.js';
import { percentiles, runLoad, sessionCookie, summariseLoad } from './load.js';

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

/** POST start, each request from a new visitor (no cookie) for a number not called before. */
export async function startScenario({ url, phones, duration, connections }) {
  const result = await runLoad({
    url,
    duration,
    connections,
    requests: [
      {
        method: 'POST',
        path: '/auth/phone/start',
        headers: JSON_HEADERS,
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ phone: `+${phones.next()}` }),
        }),
      },
    ],
  });
  return summariseLoad(result);
}

/**
 * Runs whole sign-in flows on each connection: POST start as a new visitor, GET /bench/code to learn
 * the digits (see apps/code-tap.js), POST verify with them. Reports flows per second from the
 * verify responses with status 200, the latency of the verify step alone as measured here, and
 * autocannon's latency over all three requests. `amount` runs a fixed number of requests
 * instead of `duration` seconds.
 */
export async function verifyScenario({ url, phones, duration, amount, connections }) {
  const verifyMs = [];
  let signedIn = 0;
  const result = await runLoad({
    url,
    connections,
    ...(amount ? { amount } : { duration }),
    requests: [
      {
        method: 'POST',
        path: '/auth/phone/start',
        headers: JSON_HEADERS,
        setupRequest: (request, context) => {
          context.msisdn = phones.next();
          return { ...request, body: JSON.stringify({ phone: `+${context.msisdn}` }) };
        },
        onResponse: (_status, _body, context, headers) => {
          context.cookie = sessionCookie(headers) ?? '';
        },
      },
      {
        method: 'GET',
        setupRequest: (request, context) => ({
          ...request,
          path: `/bench/code?msisdn=${context.msisdn}`,
          headers: { cookie: context.cookie },
        }),
        onResponse: (status, body, context) => {
          context.code = status === 200 ? JSON.parse(body).code : '0000';
        },
      },
      {
        method: 'POST',
        path: '/auth/phone/verify',
        setupRequest: (request, context) => {
          context.sentAt = performance.now();
          return {
            ...request,
            headers: { ...JSON_HEADERS, cookie: context.cookie },
            body: JSON.stringify({ code: context.code }),
          };
        },
        onResponse: (status, _body, context) => {
          verifyMs.push(performance.now() - context.sentAt);
          if (status === 200) signedIn += 1;
        },
      },
    ],
  });
  const all = summariseLoad(result);
  const verifyStep = percentiles(verifyMs);
  return {
    flowsPerSecond: Math.round(signedIn / result.duration),
    signedIn,
    seconds: result.duration,
    verifyP50Ms: verifyStep.p50Ms,
    verifyP99Ms: verifyStep.p99Ms,
    allRequestsP50Ms: all.p50Ms,
    allRequestsP99Ms: all.p99Ms,
    non2xx: all.non2xx,
    errors: all.errors,
  };
}

/** Starts `count` flows, one session each, and returns their session cookies. */
export async function startSessions({ url, phones, count }) {
  const cookies = [];
  for (let batch = 0; batch < count; batch += 50) {
    const size = Math.min(50, count - batch);
    const started = await Promise.all(
      Array.from({ length: size }, async () => {
        const response = await fetch(new URL('/auth/phone/start', url), {
          method: 'POST',
          headers: JSON_HEADERS,
          body: JSON.stringify({ phone: `+${phones.next()}` }),
        });
        await response.arrayBuffer();
        const cookie = response.headers.getSetCookie()[0]?.split(';')[0];
        if (!response.ok || !cookie) {
          throw new Error(`Setting up a session failed: start returned ${response.status}`);
        }
        return cookie;
      }),
    );
    cookies.push(...started);
  }
  return cookies;
}

/** GET status in sessions that each have a call pending, spread round robin over `cookies`. */
export async function statusScenario({ url, cookies, duration, connections }) {
  let next = 0;
  const result = await runLoad({
    url,
    duration,
    connections,
    requests: [
      {
        method: 'GET',
        path: '/auth/phone/status',
        setupRequest: (request) => {
          const cookie = cookies[next % cookies.length];
          next += 1;
          return { ...request, headers: { accept: 'application/json', cookie } };
        },
      },
    ],
  });
  return summariseLoad(result);
}

/**
 * Signed `call` requests, each with a fresh nonce and a new number, sent the way the package's
 * client sends them by default (POST form). Responses with an `error` field count as failures.
 */
export async function callScenario({ url, account, phones, duration, connections }) {
  let refused = 0;
  const result = await runLoad({
    url,
    duration,
    connections,
    requests: [
      {
        method: 'POST',
        path: '/callapi/v2.0/call',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        setupRequest: (request) => ({
          ...request,
          body: signedCallBody({ ...account, msisdn: phones.next() }),
        }),
        onResponse: (_status, body) => {
          if (body.includes('"error"')) refused += 1;
        },
      },
    ],
  });
  return { ...summariseLoad(result), refused };
}
