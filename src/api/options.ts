import { systemClock, type Clock } from '../clock.js';
import { isLogger, silentLogger, type Logger } from '../logger.js';
import { API_PATH_PREFIX, DEFAULT_API_URL } from '../protocol/index.js';
import { TRANSPORTS, type Transport } from './encode.js';
import { LoginByCallOptionError } from './errors.js';

/** Options of {@link LoginByCallClient}. */
export interface LoginByCallClientOptions {
  /**
   * The account id (`call-api-id`). Every method except `register` and `server-status` needs
   * it; calling one of them without it fails before sending anything.
   */
  callApiId?: string;
  /**
   * The secret api-key that signs requests. Omit it only for accounts that the service
   * administrator allowed unsigned calls. `change_credential` and `credential_confirm` are
   * always signed, so they fail without it. Never logged and never part of an error message.
   */
  apiKey?: string;
  /**
   * The API base URL, http or https. A URL whose path is empty or `/` gets `callapi/v2.0/`
   * appended, so `http://127.0.0.1:8808` works. Default: `DEFAULT_API_URL`
   * (`https://internal.loginbycall.net/callapi/v2.0/`).
   */
  apiUrl?: string;
  /**
   * Encoding of the parameters: `get` (query string), `form` (POST urlencoded), `rest` (path
   * segments) or `multipart` (POST multipart/form-data). Default: `form`, which keeps the
   * signature and nonce out of URLs and access logs.
   */
  transport?: Transport;
  /** Send all parameters as one JSON object in the `params` field. Default: false. */
  paramsJson?: boolean;
  /**
   * Send the signature in the `Signature` HTTP header instead of the `signature` parameter.
   * Default: false.
   */
  signatureHeader?: boolean;
  /** Time limit of one HTTP request, response body included, in milliseconds. Default: 5000. */
  timeoutMs?: number;
  /**
   * How many times a read-only method (`status`, `server-status`, `balance`, `call-status`) is
   * repeated after a network error, a timeout or an HTTP 5xx. Other methods are sent exactly
   * once. Default: 2.
   */
  retries?: number;
  /**
   * Base delay before a repeat, in milliseconds. Repeat n (from 0) waits between half and all
   * of `retryDelayMs * 2^n`, picked at random. Default: 200.
   */
  retryDelayMs?: number;
  /** Logger for retries. Default: a logger that writes nothing. */
  logger?: Logger;
  /** Source of the `timestamp` parameter. Default: the system clock. */
  clock?: Clock;
}

/** Options after defaults were applied and values were checked. */
export interface ResolvedClientOptions {
  callApiId: string | undefined;
  apiKey: string | undefined;
  /** Origin of the API, for example `https://internal.loginbycall.net`. */
  origin: string;
  /** Base path ending in `/`, for example `/callapi/v2.0/`. */
  basePath: string;
  transport: Transport;
  paramsJson: boolean;
  signatureHeader: boolean;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  logger: Logger;
  clock: Clock;
}

const KNOWN_OPTIONS = new Set<string>([
  'callApiId',
  'apiKey',
  'apiUrl',
  'transport',
  'paramsJson',
  'signatureHeader',
  'timeoutMs',
  'retries',
  'retryDelayMs',
  'logger',
  'clock',
]);

/** Maximum `timeoutMs`: ten minutes, far beyond any sane wait for this API. */
const MAX_TIMEOUT_MS = 600_000;
const MAX_RETRIES = 10;
const MAX_RETRY_DELAY_MS = 60_000;

/** Applies defaults and checks every option, throwing {@link LoginByCallOptionError}. */
export function resolveClientOptions(options: LoginByCallClientOptions): ResolvedClientOptions {
  if (typeof options !== 'object' || options === null) {
    throw new LoginByCallOptionError(
      'options',
      `LoginByCallClient options must be an object, got ${describe(options)}`,
    );
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) {
      throw new LoginByCallOptionError(
        name,
        `Unknown option ${name}: remove it or use one of ${[...KNOWN_OPTIONS].join(', ')}`,
      );
    }
  }

  const { origin, basePath } = parseApiUrl(options.apiUrl ?? DEFAULT_API_URL);

  return {
    callApiId: checkToken('callApiId', options.callApiId, 'the call-api-id of the account'),
    apiKey: checkToken('apiKey', options.apiKey, 'the api-key e-mailed to the administrator'),
    origin,
    basePath,
    transport: checkTransport(options.transport ?? 'form'),
    paramsJson: checkBoolean('paramsJson', options.paramsJson ?? false),
    signatureHeader: checkBoolean('signatureHeader', options.signatureHeader ?? false),
    timeoutMs: checkInteger('timeoutMs', options.timeoutMs ?? 5000, 1, MAX_TIMEOUT_MS),
    retries: checkInteger('retries', options.retries ?? 2, 0, MAX_RETRIES),
    retryDelayMs: checkInteger('retryDelayMs', options.retryDelayMs ?? 200, 0, MAX_RETRY_DELAY_MS),
    logger: checkLogger(options.logger ?? silentLogger),
    clock: checkClock(options.clock ?? systemClock),
  };
}

/** Splits the API URL into origin and base path, appending the API path to a bare origin. */
function parseApiUrl(apiUrl: unknown): { origin: string; basePath: string } {
  const fix = `pass an http(s) URL such as ${DEFAULT_API_URL} or http://127.0.0.1:8808`;
  if (typeof apiUrl !== 'string') {
    throw new LoginByCallOptionError('apiUrl', `apiUrl must be a string, got ${describe(apiUrl)}`);
  }

  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new LoginByCallOptionError(
      'apiUrl',
      `apiUrl ${JSON.stringify(apiUrl)} is invalid: ${fix}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LoginByCallOptionError(
      'apiUrl',
      `apiUrl ${JSON.stringify(apiUrl)} uses ${url.protocol.slice(0, -1)}, not http or https: ${fix}`,
    );
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    // The credentials may be secret, so the message shows the URL without them.
    url.username = '';
    url.password = '';
    throw new LoginByCallOptionError(
      'apiUrl',
      `apiUrl ${JSON.stringify(url.href)} must not contain a query, a fragment or credentials: ${fix}`,
    );
  }

  let basePath = url.pathname === '/' || url.pathname === '' ? API_PATH_PREFIX : url.pathname;
  if (!basePath.endsWith('/')) basePath += '/';
  return { origin: url.origin, basePath };
}

function checkToken(name: string, value: unknown, source: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || /\s/.test(value)) {
    // The value may be a secret, so only its type and length are shown.
    const safeDescription =
      typeof value === 'string' ? `a string of length ${value.length}` : describe(value);
    throw new LoginByCallOptionError(
      name,
      `${name} must be a non-empty string without spaces, got ${safeDescription}: pass ${source} or omit it`,
    );
  }
  return value;
}

function checkTransport(value: unknown): Transport {
  if (typeof value === 'string' && (TRANSPORTS as readonly string[]).includes(value)) {
    return value as Transport;
  }
  throw new LoginByCallOptionError(
    'transport',
    `transport ${describe(value)} is invalid: use one of ${TRANSPORTS.join(', ')}`,
  );
}

function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  throw new LoginByCallOptionError(name, `${name} must be true or false, got ${describe(value)}`);
}

function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) {
    return value;
  }
  throw new LoginByCallOptionError(
    name,
    `${name} must be an integer from ${min} to ${max}, got ${describe(value)}`,
  );
}

function checkLogger(value: unknown): Logger {
  if (!isLogger(value)) {
    throw new LoginByCallOptionError(
      'logger',
      `logger must have info, warn and error methods (pino works), got ${describe(value)}`,
    );
  }
  return value;
}

function checkClock(value: unknown): Clock {
  const clock = value as Partial<Clock> | null;
  if (typeof clock === 'object' && clock !== null && typeof clock.now === 'function') {
    return clock as Clock;
  }
  throw new LoginByCallOptionError(
    'clock',
    `clock must have a now() method returning epoch milliseconds, got ${describe(value)}`,
  );
}

/** Describes a value for an error message without printing long strings in full. */
function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}
