import type { CountryCode } from 'libphonenumber-js';
import { isSupportedCountry } from 'libphonenumber-js';
import { LoginByCallOptionError } from '../api/errors.js';
import {
  CORE_OPTION_KEYS,
  resolveCoreOptions,
  type LoginByCallCoreOptions,
  type ResolvedCoreOptions,
} from '../passport/options.js';
import {
  assertKnownKeys,
  assertObject,
  describe,
  integerInRange,
  optionalString,
} from '../passport/validate.js';
import type { PassportLike } from './passport-like.js';

/** A counter window: at most `points` events per `durationSeconds` seconds. */
export interface LimitWindow {
  /** Events allowed per window. */
  points: number;
  /** Window length in seconds, counted from the first event of the window. */
  durationSeconds: number;
}

/**
 * Limits checked before every call is placed. Each counter lives in the store, so every app
 * instance that shares the store shares the counts. `false` turns a counter off.
 */
export interface LoginByCallLimits {
  /** Calls to one number (E.164). Default 3 per 600 s. */
  perPhone?: LimitWindow | false;
  /** Calls requested from one client IP (`req.ip`). Default 10 per 3600 s. */
  perIp?: LimitWindow | false;
  /** Calls requested by one session. Default 5 per 3600 s. */
  perSession?: LimitWindow | false;
  /** Calls placed by this whole site: a budget against toll fraud. Default off. */
  global?: LimitWindow | false;
}

/** Redirect targets (303) for plain HTML form posts. JSON requests get JSON instead. */
export interface LoginByCallRedirects {
  /** After a start that placed a call: the page with the code form. */
  code?: string;
  /** After a right code. */
  success?: string;
  /** After a verify that failed (wrong code, expired, ...): usually the code page again. */
  failure?: string;
  /** After a cancel, and after a start that failed: the page with the phone form. */
  start?: string;
}

/** Options of the router only; see `LoginByCallCoreOptions` for the shared ones. */
export interface LoginByCallRouterOptions {
  /** Path prefix of the four endpoints. Default `'/auth/phone'`. */
  basePath?: string;
  /** Passport strategy that `/verify` runs in sign-in mode. Default `'loginbycall'`. */
  strategyName?: string;
  /**
   * The Passport instance the strategy is registered with. Default: the `passport` package's
   * default export, loaded on the first verify.
   */
  passport?: PassportLike;
  /** Country for numbers typed without a country code, such as `'RU'`. Default none. */
  defaultCountry?: CountryCode;
  /** Only numbers of these countries get calls; others get 403. Default: every country. */
  allowedCountries?: CountryCode[];
  /**
   * `'sign-in'` (default) signs the user in through Passport. `'second-factor'` requires a
   * signed-in `req.user`, keeps it, and records the confirmed number in the session, where
   * `getConfirmedPhone(req)` reads it.
   */
  mode?: 'sign-in' | 'second-factor';
  /** Counters checked before a call is placed. Defaults are listed on each field. */
  limits?: LoginByCallLimits;
  /** Redirect targets for plain form posts. Default: none, so forms get JSON too. */
  redirects?: LoginByCallRedirects;
  /** Largest request body read, in bytes. Default 4096, maximum 1,048,576. */
  bodyLimitBytes?: number;
}

export type LoginByCallOptions = LoginByCallCoreOptions & LoginByCallRouterOptions;

/** Router options with every default filled in. */
export interface ResolvedRouterOptions {
  core: ResolvedCoreOptions;
  basePath: string;
  strategyName: string;
  passport: PassportLike | undefined;
  defaultCountry: CountryCode | undefined;
  allowedCountries: ReadonlySet<CountryCode> | undefined;
  mode: 'sign-in' | 'second-factor';
  limits: {
    perPhone: LimitWindow | false;
    perIp: LimitWindow | false;
    perSession: LimitWindow | false;
    global: LimitWindow | false;
  };
  redirects: LoginByCallRedirects;
  bodyLimitBytes: number;
}

const ROUTER_OPTION_KEYS = [
  'basePath',
  'strategyName',
  'passport',
  'defaultCountry',
  'allowedCountries',
  'mode',
  'limits',
  'redirects',
  'bodyLimitBytes',
] as const;

export const DEFAULT_LIMITS = {
  perPhone: { points: 3, durationSeconds: 600 },
  perIp: { points: 10, durationSeconds: 3600 },
  perSession: { points: 5, durationSeconds: 3600 },
  global: false,
} as const;

/** Validates every router option and fills in defaults. */
export function resolveRouterOptions(options: unknown): ResolvedRouterOptions {
  const core = resolveCoreOptions(options, 'loginByCall()', ROUTER_OPTION_KEYS);
  const input = options as Record<string, unknown>;

  const basePath = (optionalString(input['basePath'], 'basePath', /^\/[^?#]*$/) ??
    '/auth/phone') as string;
  const strategyName = (optionalString(input['strategyName'], 'strategyName', /^.+$/) ??
    'loginbycall') as string;

  const passport = input['passport'];
  if (passport !== undefined) {
    const authenticate = (passport as { authenticate?: unknown } | null)?.authenticate;
    if (typeof authenticate !== 'function') {
      throw new LoginByCallOptionError(
        'passport',
        `Option "passport" (${describe(passport)}) has no authenticate() method: pass the Passport instance the strategy is registered with.`,
      );
    }
  }

  const mode = input['mode'] ?? 'sign-in';
  if (mode !== 'sign-in' && mode !== 'second-factor') {
    throw new LoginByCallOptionError(
      'mode',
      `Option "mode" is ${describe(mode)}: use 'sign-in' or 'second-factor'.`,
    );
  }

  return {
    core,
    basePath: basePath.replace(/\/+$/, '') || '',
    strategyName,
    passport: passport as PassportLike | undefined,
    defaultCountry: resolveCountry(input['defaultCountry'], 'defaultCountry'),
    allowedCountries: resolveAllowedCountries(input['allowedCountries']),
    mode,
    limits: resolveLimits(input['limits']),
    redirects: resolveRedirects(input['redirects']),
    bodyLimitBytes: integerInRange(input['bodyLimitBytes'], 'bodyLimitBytes', 4096, 64, 1_048_576),
  };
}

export { CORE_OPTION_KEYS };

function resolveCountry(value: unknown, option: string): CountryCode | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isSupportedCountry(value)) {
    throw new LoginByCallOptionError(
      option,
      `Option "${option}" is ${describe(value)}: use an ISO 3166-1 alpha-2 code that libphonenumber-js supports, such as 'RU'.`,
    );
  }
  return value;
}

function resolveAllowedCountries(value: unknown): ReadonlySet<CountryCode> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    throw new LoginByCallOptionError(
      'allowedCountries',
      `Option "allowedCountries" is ${describe(value)}: pass a non-empty array of country codes such as ['RU'], or leave it out to allow every country.`,
    );
  }
  return new Set(
    value.map((country) => resolveCountry(country, 'allowedCountries') as CountryCode),
  );
}

function resolveLimits(value: unknown): ResolvedRouterOptions['limits'] {
  const owner = 'loginByCall() option "limits"';
  const input = value === undefined ? {} : assertObject(value, owner, 'limits');
  const keys = Object.keys(DEFAULT_LIMITS);
  assertKnownKeys(input, keys, owner, 'limits');
  return {
    perPhone: resolveWindow(input['perPhone'], 'perPhone', DEFAULT_LIMITS.perPhone),
    perIp: resolveWindow(input['perIp'], 'perIp', DEFAULT_LIMITS.perIp),
    perSession: resolveWindow(input['perSession'], 'perSession', DEFAULT_LIMITS.perSession),
    global: resolveWindow(input['global'], 'global', DEFAULT_LIMITS.global),
  };
}

function resolveWindow(
  value: unknown,
  name: string,
  fallback: LimitWindow | false,
): LimitWindow | false {
  if (value === undefined) return fallback;
  if (value === false) return false;
  const option = `limits.${name}`;
  const owner = `loginByCall() option "${option}"`;
  const input = assertObject(value, owner, option);
  assertKnownKeys(input, ['points', 'durationSeconds'], owner, option);
  if (input['points'] === undefined || input['durationSeconds'] === undefined) {
    throw new LoginByCallOptionError(
      option,
      `Option "${option}" needs both points and durationSeconds, or false to turn it off.`,
    );
  }
  return {
    points: integerInRange(input['points'], `${option}.points`, 1, 1, 1_000_000),
    durationSeconds: integerInRange(
      input['durationSeconds'],
      `${option}.durationSeconds`,
      1,
      1,
      31 * 24 * 3600,
    ),
  };
}

function resolveRedirects(value: unknown): LoginByCallRedirects {
  if (value === undefined) return {};
  const owner = 'loginByCall() option "redirects"';
  const input = assertObject(value, owner, 'redirects');
  const keys = ['code', 'success', 'failure', 'start'];
  assertKnownKeys(input, keys, owner, 'redirects');
  const redirects: LoginByCallRedirects = {};
  for (const key of keys) {
    const target = input[key];
    if (target === undefined) continue;
    if (typeof target !== 'string' || !LOCAL_PATH.test(target)) {
      throw new LoginByCallOptionError(
        `redirects.${key}`,
        `Option "redirects.${key}" is ${describe(target)}: pass a local path that starts with a single "/" and has no control characters, such as '/profile', or leave it out.`,
      );
    }
    redirects[key as keyof LoginByCallRedirects] = target;
  }
  return redirects;
}

/**
 * A path on this site: one leading slash, not followed by a slash or backslash, and no control
 * characters. Browsers remove tabs and line breaks from URLs, so `/\t/host` would become the
 * other-site address `//host`.
 */
// eslint-disable-next-line no-control-regex
const LOCAL_PATH = /^\/(?![/\\])[^\u0000-\u001f\u007f]*$/;
