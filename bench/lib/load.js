import autocannon from 'autocannon';

/** Runs autocannon against an app on 127.0.0.1 and resolves with its result object. */
export function runLoad(options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { connections: 32, pipelining: 1, timeout: 10, ...options },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    if (!instance) reject(new Error('autocannon rejected the options'));
  });
}

/** Requests per second, p50 and p99 latency in ms, and failures from an autocannon result. */
export function summariseLoad(result) {
  return {
    requestsPerSecond: Math.round(result.requests.total / result.duration),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    seconds: result.duration,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** p50 and p99 in ms of a list of durations measured by a scenario itself. */
export function percentiles(durationsMs) {
  if (durationsMs.length === 0) return { p50Ms: NaN, p99Ms: NaN };
  const sorted = Float64Array.from(durationsMs).sort();
  const at = (fraction) =>
    sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
  return { p50Ms: round(at(0.5)), p99Ms: round(at(0.99)) };
}

function round(ms) {
  return Math.round(ms * 100) / 100;
}

/**
 * Hands out phone numbers from one range for the whole run, so no number is called twice and
 * the per-phone limits of the apps and the emulator's repeat timeout are never what is
 * measured. Numbers from +7 916 000-00-00 up are valid Russian mobile numbers.
 */
export function createPhoneRange(first = 79_160_000_000) {
  let next = first;
  return {
    next() {
      const msisdn = String(next);
      next += 1;
      return msisdn;
    },
    get used() {
      return next - first;
    },
  };
}

/** Extracts the session cookie (`name=value`) from a Set-Cookie header, or undefined. */
export function sessionCookie(headers) {
  // autocannon keeps header names as the server sent them.
  const name = Object.keys(headers).find((key) => key.toLowerCase() === 'set-cookie');
  const header = name === undefined ? undefined : headers[name];
  const first = Array.isArray(header) ? header[0] : header;
  return typeof first === 'string' ? first.split(';')[0] : undefined;
}
