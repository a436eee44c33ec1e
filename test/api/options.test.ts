import { describe, expect, it } from 'vitest';
import {
  LoginByCallClient,
  LoginByCallOptionError,
  type LoginByCallClientOptions,
} from '../../src/index.js';
import { resolveClientOptions } from '../../src/api/options.js';

const VALID: LoginByCallClientOptions = { callApiId: 'account-1', apiKey: 'key-1' };

function optionError(options: Record<string, unknown>): LoginByCallOptionError {
  try {
    resolveClientOptions({ ...VALID, ...options } as LoginByCallClientOptions);
  } catch (error) {
    if (error instanceof LoginByCallOptionError) return error;
    throw error;
  }
  throw new Error(`options ${JSON.stringify(options)} were accepted`);
}

describe('client options', () => {
  it('applies the documented defaults', () => {
    const resolved = resolveClientOptions(VALID);

    expect(resolved).toMatchObject({
      origin: 'https://internal.loginbycall.net',
      basePath: '/callapi/v2.0/',
      transport: 'form',
      paramsJson: false,
      signatureHeader: false,
      timeoutMs: 5000,
      retries: 2,
      retryDelayMs: 200,
    });
  });

  it.each([
    ['http://127.0.0.1:8808', 'http://127.0.0.1:8808', '/callapi/v2.0/'],
    ['http://127.0.0.1:8808/', 'http://127.0.0.1:8808', '/callapi/v2.0/'],
    ['https://api.example/lbc/v2', 'https://api.example', '/lbc/v2/'],
    ['https://api.example/callapi/v2.0/', 'https://api.example', '/callapi/v2.0/'],
  ])('resolves apiUrl %s', (apiUrl, origin, basePath) => {
    expect(resolveClientOptions({ ...VALID, apiUrl })).toMatchObject({ origin, basePath });
  });

  it.each([
    ['apiUrl', 'ftp://files.example/'],
    ['apiUrl', 'not a url'],
    ['apiUrl', 'http://127.0.0.1:8808/?debug=1'],
    ['transport', 'post'],
    ['paramsJson', 'yes'],
    ['signatureHeader', 1],
    ['timeoutMs', 0],
    ['timeoutMs', 1.5],
    ['retries', -1],
    ['retryDelayMs', Number.NaN],
    ['logger', { info: () => undefined }],
    ['clock', Date],
    ['callApiId', ''],
  ])('rejects %s %s', (option, value) => {
    const error = optionError({ [option]: value });

    expect(error.code).toBe('ERR_LOGINBYCALL_INVALID_OPTION');
    expect(error.option).toBe(option);
    expect(error.message).toContain(option);
  });

  it('names the fix for a bad transport', () => {
    expect(optionError({ transport: 'post' }).message).toBe(
      'transport "post" is invalid: use one of get, form, rest, multipart',
    );
  });

  it('names the scheme of a non-http apiUrl', () => {
    expect(optionError({ apiUrl: 'ftp://x' }).message).toBe(
      'apiUrl "ftp://x" uses ftp, not http or https: pass an http(s) URL such as ' +
        'https://internal.loginbycall.net/callapi/v2.0/ or http://127.0.0.1:8808',
    );
  });

  it('keeps apiUrl credentials out of the message', () => {
    const error = optionError({ apiUrl: 'http://user:s3cret@127.0.0.1:8808/' });

    expect(error.option).toBe('apiUrl');
    expect(error.message).not.toContain('s3cret');
    expect(error.message).toContain('must not contain a query, a fragment or credentials');
  });

  it('rejects an unknown option', () => {
    const error = optionError({ timeout: 1000 });

    expect(error.option).toBe('timeout');
    expect(error.message).toContain('timeoutMs');
  });

  it('keeps a bad api key out of the message', () => {
    const error = optionError({ apiKey: 'secret with space' });

    expect(error.option).toBe('apiKey');
    expect(error.message).not.toContain('secret');
    expect(error.message).toContain('length 17');
  });

  it('throws from the constructor', () => {
    expect(() => new LoginByCallClient({ ...VALID, retries: 11 })).toThrow(LoginByCallOptionError);
  });
});
