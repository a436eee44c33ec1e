import { describe, expect, it } from 'vitest';
import {
  LoginByCallOptionError,
  LoginByCallStrategy,
  MemoryPendingStore,
  loginByCall,
  type LoginByCallApi,
} from '../../src/index.js';

// Option checks run before any method of the client is called, so a plain object is enough.
const client: LoginByCallApi = {
  call: async () => ({ callId: 'c', mask: '79250000000', codeLength: 4, repeatTimeout: 30 }),
  callStatus: async () => ({ status: 'queued' }),
  callHangup: async () => undefined,
};
const base = { client, store: new MemoryPendingStore(), secret: 'x'.repeat(32) };

function optionError(create: () => unknown): LoginByCallOptionError {
  try {
    create();
  } catch (error) {
    expect(error).toBeInstanceOf(LoginByCallOptionError);
    return error as LoginByCallOptionError;
  }
  throw new Error('expected LoginByCallOptionError, nothing was thrown');
}

describe('router options', () => {
  it.each([
    ['codeTtlSeconds', { codeTtlSeconds: 900 }, 'from 30 to 600'],
    ['maxAttempts', { maxAttempts: 0 }, 'from 1 to 10'],
    ['codeTTL', { codeTTL: 300 }, 'unknown option "codeTTL"'],
    ['secret', { secret: 'short' }, 'shorter than 32'],
    ['client', { client: {} }, 'no call() method'],
    ['store', { store: null }, 'RedisPendingStore'],
    ['mode', { mode: 'both' }, "'sign-in' or 'second-factor'"],
    ['defaultCountry', { defaultCountry: 'XX' }, 'alpha-2'],
    ['allowedCountries', { allowedCountries: [] }, 'non-empty array'],
    ['bodyLimitBytes', { bodyLimitBytes: 10 }, 'from 64 to 1048576'],
    ['limits.perIp.points', { limits: { perIp: { points: 0, durationSeconds: 60 } } }, 'integer'],
    ['limits.perIp', { limits: { perIp: { points: 5 } } }, 'both points and durationSeconds'],
    ['limits.perDay', { limits: { perDay: 3 } }, 'unknown option "perDay"'],
    ['limits.perPhone', { limits: { perPhone: 3 } }, 'must be an object'],
    ['redirects.begin', { redirects: { begin: '/' } }, 'unknown option "begin"'],
    ['redirects.success', { redirects: { success: 'https://example.org/' } }, 'local path'],
    ['redirects.failure', { redirects: { failure: '//example.org/' } }, 'local path'],
    // Browsers remove tabs and line breaks from a URL, so this one would lead to //example.org/.
    ['redirects.code', { redirects: { code: '/\t/example.org/' } }, 'local path'],
    ['redirects.start', { redirects: { start: '/\u0000/' } }, 'local path'],
    ['basePath', { basePath: 'auth' }, 'matching'],
    ['passport', { passport: {} }, 'authenticate()'],
    ['onEvent', { onEvent: 'log' }, 'a function'],
  ])('rejects a bad %s', (option, extra, fragment) => {
    const error = optionError(() => loginByCall({ ...base, ...extra } as never));
    expect(error.option).toBe(option);
    expect(error.code).toBe('ERR_LOGINBYCALL_INVALID_OPTION');
    expect(error.message).toContain(fragment);
  });

  it('names the value and the maximum', () => {
    const error = optionError(() => loginByCall({ ...base, codeTtlSeconds: 900 }));
    expect(error.message).toBe(
      'Option "codeTtlSeconds" is 900: use an integer from 30 to 600 (default 300).',
    );
  });

  it('accepts the documented options', () => {
    const router = loginByCall({
      ...base,
      basePath: '/phone',
      defaultCountry: 'RU',
      allowedCountries: ['RU', 'KZ'],
      limits: { global: { points: 1000, durationSeconds: 3600 }, perPhone: false },
      redirects: { code: '/code', success: '/', failure: '/code', start: '/login' },
      bodyLimitBytes: 2048,
      codeTtlSeconds: 600,
      maxAttempts: 5,
    });
    expect(typeof router).toBe('function');
    expect(typeof router.getState).toBe('function');
  });
});

describe('strategy options', () => {
  it('rejects a router option', () => {
    const error = optionError(
      () => new LoginByCallStrategy({ ...base, basePath: '/x' } as never, async () => ({})),
    );
    expect(error.option).toBe('basePath');
  });

  it('requires a verify function', () => {
    const error = optionError(() => new LoginByCallStrategy(base, undefined as never));
    expect(error.option).toBe('verify');
  });

  it('rejects a non-boolean passReqToCallback', () => {
    const error = optionError(
      () =>
        new LoginByCallStrategy({ ...base, passReqToCallback: 'yes' } as never, async () => ({})),
    );
    expect(error.option).toBe('passReqToCallback');
  });
});
