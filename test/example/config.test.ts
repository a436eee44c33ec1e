import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/redis-server.js';
import {
  runExampleUntilExit,
  startExampleProcess,
  type ExampleProcess,
} from './support/example-process.js';

/** The parts of example-app/config.js under test; the module is plain JavaScript. */
interface ConfigModule {
  loadConfig(env: Record<string, string | undefined>): {
    port: number;
    sessionSecretGenerated: boolean;
    codeSecret: string;
    codeSecretDerived: boolean;
    service: unknown;
  };
  parseTrustProxy(value: string | undefined): boolean | number | string[];
  ConfigError: new (message: string) => Error & { code: string };
}

const configModulePath: string = '../../example-app/config.js';
const { loadConfig, parseTrustProxy, ConfigError } = (await import(
  configModulePath
)) as ConfigModule;

const SECRET = 'a'.repeat(64);

describe('example config', () => {
  it('rejects production without SESSION_SECRET', () => {
    let caught: unknown;
    try {
      loadConfig({ NODE_ENV: 'production' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as { code: string }).code).toBe('ERR_EXAMPLE_CONFIG');
    expect((caught as Error).message).toMatch(/SESSION_SECRET is missing/);
    expect((caught as Error).message).toMatch(/openssl rand/);
  });

  it('generates a session secret outside production', () => {
    const config = loadConfig({});
    expect(config.sessionSecretGenerated).toBe(true);
    expect(config.codeSecretDerived).toBe(true);
    expect(config.codeSecret).toHaveLength(64);
    expect(config.port).toBe(3000);
    expect(config.service).toBeUndefined();
  });

  it('derives the code secret from the session secret', () => {
    const first = loadConfig({ SESSION_SECRET: SECRET });
    const second = loadConfig({ SESSION_SECRET: SECRET });
    expect(first.codeSecret).toBe(second.codeSecret);
    expect(first.codeSecret).not.toContain(SECRET);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT is invalid: "abc"/],
    [{ PORT: '70000' }, /PORT is invalid: "70000"/],
    [{ SESSION_SECRET: 'short' }, /SESSION_SECRET is too short: 5 characters/],
    [{ LOGINBYCALL_CALL_API_ID: 'id' }, /LOGINBYCALL_API_KEY is missing/],
    [{ LOGINBYCALL_API_URL: 'http://127.0.0.1:1' }, /LOGINBYCALL_API_URL is set but/],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, /REDIS_URL is invalid/],
    [{ EMULATOR_REPEAT_TIMEOUT: '-1' }, /EMULATOR_REPEAT_TIMEOUT is invalid/],
    [{ TRUST_PROXY: 'loopback, <script>' }, /TRUST_PROXY contains an invalid entry/],
  ])('rejects %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never puts a secret in an error message', () => {
    const secret = 'tooshort-secret';
    expect(() => loadConfig({ SESSION_SECRET: secret })).toThrow(/too short/);
    expect(() => loadConfig({ SESSION_SECRET: secret })).not.toThrow(secret);
  });

  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['true', true],
    ['2', 2],
    ['loopback', ['loopback']],
    ['loopback, 10.0.0.0/8,fd00::/8', ['loopback', '10.0.0.0/8', 'fd00::/8']],
  ])('parses TRUST_PROXY %j', (value, expected) => {
    expect(parseTrustProxy(value)).toEqual(expected);
  });
});

describe('example process start-up', () => {
  it('exits in production without SESSION_SECRET', async () => {
    const port = await freePort();
    const result = await runExampleUntilExit({ NODE_ENV: 'production', PORT: String(port) });
    expect(result.code).toBe(1);
    expect(result.output).toContain('SESSION_SECRET is missing');
    expect(result.output).toContain('NODE_ENV=production');
  });

  it('exits with a hint when the port is taken', async () => {
    const taken = createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as AddressInfo;
    const dataDir = mkdtempSync(join(tmpdir(), 'loginbycall-example-'));
    try {
      const result = await runExampleUntilExit({
        PORT: String(port),
        DATABASE_PATH: join(dataDir, 'users.sqlite'),
      });
      expect(result.code).toBe(1);
      expect(result.output).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(result.output).toContain('PORT=3001 npm start');
      expect(result.output).not.toContain('    at ');
    } finally {
      taken.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('prints each setting without secrets', async () => {
    const apiKey = 'api-key-that-must-not-be-printed-1234567890';
    const sessionSecret = 'session-secret-that-must-not-be-printed-0123456789';
    const app = await startExampleProcess({
      SESSION_SECRET: sessionSecret,
      LOGINBYCALL_CALL_API_ID: 'example-account',
      LOGINBYCALL_API_KEY: apiKey,
      // Nothing listens there; start-up must not contact the service.
      LOGINBYCALL_API_URL: `http://127.0.0.1:${await freePort()}`,
      TRUST_PROXY: 'loopback',
    });
    try {
      const output = app.output();
      expect(output).toContain('LOGINBYCALL_API_KEY: set');
      expect(output).toContain('SESSION_SECRET: set');
      expect(output).toContain('TRUST_PROXY: ["loopback"]');
      expect(output).toMatch(/REDIS_URL: not set|REDIS_URL: redis/);
      expect(output).not.toContain(apiKey);
      expect(output).not.toContain(sessionSecret);
    } finally {
      await app.stop();
    }
  });
});

describe('example HTTP basics', () => {
  let app: ExampleProcess;

  beforeAll(async () => {
    app = await startExampleProcess();
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('announces the emulator at start', () => {
    expect(app.output()).toContain('built-in emulator');
    expect(app.output()).toContain(`${app.url}/emulator/phone/`);
    expect(app.output()).toContain('WARNING: set it in production');
  });

  it('serves the phone form with a strict CSP', async () => {
    const response = await fetch(`${app.url}/`);
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(body).toContain('<html lang="en">');
    expect(body).toContain('type="tel"');
    expect(body).toContain('autocomplete="tel"');
    expect(body).not.toMatch(/<script>|<style>| on[a-z]+="/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('serves the icon the pages link to', async () => {
    const page = await (await fetch(`${app.url}/`)).text();
    const href = /<link rel="icon" href="([^"]+)"/.exec(page)?.[1];
    expect(href).toBe('/favicon.svg');

    const icon = await fetch(`${app.url}${href}`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await icon.text()).toContain('<svg');
  });

  it('speaks Russian when the browser asks', async () => {
    const response = await fetch(`${app.url}/`, {
      headers: { 'Accept-Language': 'ru-RU,ru;q=0.9,en;q=0.5' },
    });
    const body = await response.text();
    expect(body).toContain('<html lang="ru">');
    expect(body).toContain('Позвоните мне');
  });

  it('answers /me with 401 JSON when signed out', async () => {
    const response = await fetch(`${app.url}/me`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toEqual({
      error: { code: 'NOT_SIGNED_IN', message: 'Sign in first.' },
    });
  });

  it('rejects a form post without a CSRF token', async () => {
    const response = await fetch(`${app.url}/auth/phone/start`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'phone=%2B79991110004',
      redirect: 'manual',
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('reload the page');
  });

  it('rejects a JSON post with a wrong CSRF header', async () => {
    const response = await fetch(`${app.url}/auth/phone/start`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'X-CSRF-Token': 'not-the-token',
      },
      body: JSON.stringify({ phone: '+79991110004' }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'CSRF_TOKEN_INVALID',
    );
  });

  it('rejects an oversized body with 413', async () => {
    const response = await fetch(`${app.url}/auth/phone/start`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ phone: '1'.repeat(10_000) }),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'REQUEST_FAILED',
    );
  });

  it('serves the script and styles as files', async () => {
    for (const path of ['/app.js', '/style.css']) {
      const response = await fetch(`${app.url}${path}`);
      await response.arrayBuffer();
      expect(response.status, path).toBe(200);
    }
  });
});
