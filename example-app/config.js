import { createHmac, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** Default SQLite file of the users table, used when DATABASE_PATH is not set. */
const DEFAULT_DATABASE_PATH = fileURLToPath(new URL('./data/users.sqlite', import.meta.url));

/** Shortest SESSION_SECRET and LOGINBYCALL_SECRET accepted: 32 characters, as from `openssl rand -hex 16`. */
const MIN_SECRET_LENGTH = 32;

/**
 * Raised when an environment variable has a value the example cannot use. The message names the
 * variable, the value (never for secrets) and the fix.
 */
export class ConfigError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'ConfigError';
    this.code = 'ERR_EXAMPLE_CONFIG';
  }
}

/**
 * @typedef {object} ExampleConfig
 * @property {string} host Interface to listen on.
 * @property {number} port TCP port, or 0 for a free one.
 * @property {boolean} production Whether NODE_ENV is `production`: secure cookies, required secrets.
 * @property {string | undefined} redisUrl Redis for sessions and pending calls; memory when unset.
 * @property {string} redisKeyPrefix Prefix of every Redis key the example writes.
 * @property {{ callApiId: string, apiKey: string, apiUrl: string | undefined } | undefined} service
 *   Credentials of the real LoginByCall service; the built-in emulator is used when unset.
 * @property {number | undefined} emulatorRepeatTimeoutSeconds Seconds the emulator makes a caller
 *   wait before calling the same number again; the emulator's default when unset.
 * @property {string} sessionSecret Key that signs the session cookie.
 * @property {boolean} sessionSecretGenerated Whether sessionSecret was generated at start.
 * @property {string} codeSecret HMAC key for the code hashes of pending calls.
 * @property {boolean} codeSecretDerived Whether codeSecret was derived from sessionSecret.
 * @property {boolean | number | string[]} trustProxy Value for Express's `trust proxy` setting.
 * @property {string} databasePath SQLite file of the users table.
 * @property {string} defaultCountry ISO 3166 country assumed for numbers typed without `+`.
 */

/**
 * Reads the example's configuration from environment variables and validates every value.
 * Throws ConfigError naming the variable and the fix.
 *
 * @param {Record<string, string | undefined>} env
 * @returns {ExampleConfig}
 */
export function loadConfig(env) {
  const production = env.NODE_ENV === 'production';

  const sessionSecret = readSecret(env, 'SESSION_SECRET');
  if (production && sessionSecret === undefined) {
    throw new ConfigError(
      'SESSION_SECRET is missing. It is required when NODE_ENV=production, because a random ' +
        'secret would sign every user out on restart and differ between instances. ' +
        'Set it to a random string of at least 32 characters, for example from `openssl rand -hex 32`.',
    );
  }
  const resolvedSessionSecret = sessionSecret ?? randomBytes(32).toString('hex');

  const codeSecret = readSecret(env, 'LOGINBYCALL_SECRET');

  return {
    host: readHost(env),
    port: readPort(env),
    production,
    redisUrl: readRedisUrl(env),
    redisKeyPrefix: env.REDIS_KEY_PREFIX ?? 'loginbycall-example:',
    service: readService(env),
    emulatorRepeatTimeoutSeconds: readRepeatTimeout(env),
    sessionSecret: resolvedSessionSecret,
    sessionSecretGenerated: sessionSecret === undefined,
    codeSecret: codeSecret ?? deriveCodeSecret(resolvedSessionSecret),
    codeSecretDerived: codeSecret === undefined,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    databasePath: nonEmpty(env.DATABASE_PATH) ?? DEFAULT_DATABASE_PATH,
    defaultCountry: readCountry(env),
  };
}

/**
 * Derives the code-hash key from the session secret, so one secret is enough to run the example.
 * The label keeps the derived key different from the cookie-signing key.
 *
 * @param {string} sessionSecret
 * @returns {string}
 */
function deriveCodeSecret(sessionSecret) {
  return createHmac('sha256', sessionSecret)
    .update('loginbycall-example code hashes')
    .digest('hex');
}

/**
 * Parses TRUST_PROXY the way Express reads `trust proxy`: `true`/`false`, a hop count, or a
 * comma-separated list of addresses, subnets or the names `loopback`, `linklocal`, `uniquelocal`.
 *
 * @param {string | undefined} value
 * @returns {boolean | number | string[]}
 */
export function parseTrustProxy(value) {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);

  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) {
    if (!/^[0-9A-Za-z.:/]+$/.test(entry)) {
      throw new ConfigError(
        `TRUST_PROXY contains an invalid entry "${entry}". Use true, false, a number of hops, ` +
          'or a comma-separated list of addresses, subnets, loopback, linklocal or uniquelocal.',
      );
    }
  }
  return entries;
}

/**
 * @param {Record<string, string | undefined>} env
 * @returns {number}
 */
function readPort(env) {
  const text = nonEmpty(env.PORT) ?? '3000';
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new ConfigError(`PORT is invalid: "${text}". Use a TCP port from 0 to 65535.`);
  }
  return port;
}

/**
 * @param {Record<string, string | undefined>} env
 * @returns {string}
 */
function readHost(env) {
  const host = nonEmpty(env.HOST) ?? '127.0.0.1';
  if (!/^[0-9A-Za-z.:-]+$/.test(host)) {
    throw new ConfigError(
      `HOST is invalid: "${host}". Use an interface address such as 127.0.0.1 or 0.0.0.0.`,
    );
  }
  return host;
}

/**
 * @param {Record<string, string | undefined>} env
 * @returns {string | undefined}
 */
function readRedisUrl(env) {
  const url = nonEmpty(env.REDIS_URL);
  if (url === undefined) return undefined;

  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')) {
    throw new ConfigError(
      `REDIS_URL is invalid: "${redactUrl(url)}". Use redis://host:port or rediss://host:port.`,
    );
  }
  return url;
}

/**
 * @param {Record<string, string | undefined>} env
 * @returns {ExampleConfig['service']}
 */
function readService(env) {
  const callApiId = nonEmpty(env.LOGINBYCALL_CALL_API_ID);
  const apiKey = nonEmpty(env.LOGINBYCALL_API_KEY);
  const apiUrl = nonEmpty(env.LOGINBYCALL_API_URL);

  if (callApiId === undefined && apiKey === undefined) {
    if (apiUrl !== undefined) {
      throw new ConfigError(
        'LOGINBYCALL_API_URL is set but LOGINBYCALL_CALL_API_ID and LOGINBYCALL_API_KEY are ' +
          'missing. Set all three to use a LoginByCall service, or none to use the built-in emulator.',
      );
    }
    return undefined;
  }
  if (callApiId === undefined || apiKey === undefined) {
    const missing = callApiId === undefined ? 'LOGINBYCALL_CALL_API_ID' : 'LOGINBYCALL_API_KEY';
    throw new ConfigError(
      `${missing} is missing. Set both LOGINBYCALL_CALL_API_ID and LOGINBYCALL_API_KEY to use ` +
        'the LoginByCall service, or neither to use the built-in emulator.',
    );
  }
  if (apiUrl !== undefined && !/^https?:\/\//.test(apiUrl)) {
    throw new ConfigError(
      `LOGINBYCALL_API_URL is invalid: "${apiUrl}". Use an http:// or https:// URL, or leave ` +
        'it unset for the service default.',
    );
  }
  return { callApiId, apiKey, apiUrl };
}

/**
 * @param {Record<string, string | undefined>} env
 * @returns {number | undefined}
 */
function readRepeatTimeout(env) {
  const text = nonEmpty(env.EMULATOR_REPEAT_TIMEOUT);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) > 3600) {
    throw new ConfigError(
      `EMULATOR_REPEAT_TIMEOUT is invalid: "${text}". Use whole seconds from 0 to 3600.`,
    );
  }
  return Number(text);
}

/**
 * @param {Record<string, string | undefined>} env
 * @returns {string}
 */
function readCountry(env) {
  const country = nonEmpty(env.DEFAULT_COUNTRY) ?? 'RU';
  if (!/^[A-Z]{2}$/.test(country)) {
    throw new ConfigError(
      `DEFAULT_COUNTRY is invalid: "${country}". Use a two-letter ISO 3166 code such as RU.`,
    );
  }
  return country;
}

/**
 * Reads a secret and checks only its length, so the value never appears in a message.
 *
 * @param {Record<string, string | undefined>} env
 * @param {string} name
 * @returns {string | undefined}
 */
function readSecret(env, name) {
  const value = nonEmpty(env[name]);
  if (value !== undefined && value.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `${name} is too short: ${value.length} characters. Use at least ${MIN_SECRET_LENGTH} ` +
        'random characters, for example from `openssl rand -hex 32`.',
    );
  }
  return value;
}

/**
 * @param {string | undefined} value
 * @returns {string | undefined}
 */
function nonEmpty(value) {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/**
 * Hides the password of a URL so it can be printed.
 *
 * @param {string} url
 * @returns {string}
 */
export function redactUrl(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
