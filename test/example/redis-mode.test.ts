import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis, redisUrl, uniquePrefix } from '../support/redis.js';

/** The parts of example-app/app.js and config.js under test; the modules are plain JavaScript. */
interface RunningExampleApp {
  url: string;
  close(): Promise<void>;
}
interface AppModule {
  createExampleApp(config: unknown): Promise<RunningExampleApp>;
}
interface ConfigModule {
  loadConfig(env: Record<string, string | undefined>): unknown;
}

const appModulePath: string = '../../example-app/app.js';
const configModulePath: string = '../../example-app/config.js';
const { createExampleApp } = (await import(appModulePath)) as AppModule;
const { loadConfig } = (await import(configModulePath)) as ConfigModule;

const SESSION_SECRET = 'redis-mode-test-session-secret-0123456789abcdef';

/** A browser stand-in: keeps the session cookie and the CSRF token between requests. */
class Visitor {
  private cookie = '';
  csrfToken = '';

  constructor(private readonly baseUrl: () => string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie !== '') headers.set('Cookie', this.cookie);
    const response = await fetch(`${this.baseUrl()}${path}`, {
      ...init,
      headers,
      redirect: 'manual',
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie !== null) this.cookie = setCookie.split(';')[0] ?? '';
    return response;
  }

  /** Loads `/` and keeps the CSRF token from its meta tag. */
  async loadHome(): Promise<string> {
    const page = await (await this.request('/')).text();
    const match = /<meta name="csrf-token" content="([^"]+)"/.exec(page);
    if (!match?.[1]) throw new Error(`The CSRF meta tag is missing from the page:\n${page}`);
    this.csrfToken = match[1];
    return page;
  }

  postJson(path: string, body: unknown): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'X-CSRF-Token': this.csrfToken,
      },
      body: JSON.stringify(body),
    });
  }
}

/** Lists keys matching `pattern` with SCAN, which does not block a shared Redis as KEYS would. */
async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

describe('example app with REDIS_URL', () => {
  const keyPrefix = uniquePrefix('example-redis');
  let dataDir: string;
  let redis: Redis;
  let app: RunningExampleApp;

  const start = async (): Promise<RunningExampleApp> =>
    createExampleApp(
      loadConfig({
        PORT: '0',
        REDIS_URL: redisUrl(),
        REDIS_KEY_PREFIX: keyPrefix,
        SESSION_SECRET,
        DATABASE_PATH: join(dataDir, 'users.sqlite'),
      }),
    );

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'loginbycall-example-redis-'));
    redis = connectRedis();
    app = await start();
  });

  afterAll(async () => {
    await app?.close();
    // The Redis may be shared, so only this test's keys go, never a flush.
    const keys = await scanKeys(redis, `${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in and survives a restart', async () => {
    const visitor = new Visitor(() => app.url);
    await visitor.loadHome();

    const started = await visitor.postJson('/auth/phone/start', { phone: '+7 925 100-00-01' });
    expect(started.status).toBe(200);
    expect(await scanKeys(redis, `${keyPrefix}pending:{*}:pending`)).toHaveLength(1);
    const [anonymousSession] = await scanKeys(redis, `${keyPrefix}sess:*`);
    if (anonymousSession === undefined) throw new Error('No session was stored in Redis');
    // An anonymous session expires after an hour, a signed-in one after 7 days.
    expect(await redis.ttl(anonymousSession)).toBeLessThanOrEqual(3600);

    const listed = (await (await fetch(`${app.url}/emulator/calls?msisdn=79251000001`)).json()) as {
      calls: { mask: string; codeLength: number }[];
    };
    const call = listed.calls[0];
    if (call === undefined) throw new Error('The emulator lists no call to 79251000001');
    const code = call.mask.slice(-call.codeLength);

    const verified = await visitor.postJson('/auth/phone/verify', { code });
    expect(verified.status).toBe(200);
    expect(await verified.json()).toEqual({ ok: true, redirect: '/profile' });
    expect(await scanKeys(redis, `${keyPrefix}pending:{*}:pending`)).toEqual([]);

    const me = await visitor.request('/me');
    expect(me.status).toBe(200);
    const [signedInSession] = await scanKeys(redis, `${keyPrefix}sess:*`);
    if (signedInSession === undefined) throw new Error('No signed-in session in Redis');
    expect(signedInSession).not.toBe(anonymousSession);
    expect(await redis.ttl(signedInSession)).toBeGreaterThan(6 * 24 * 3600);
    const user = (await me.json()) as { id: number; phone: string };
    expect(user.phone).toBe('+79251000001');

    // A new process with the same secret reads the same session from Redis.
    await app.close();
    app = await start();
    const again = await visitor.request('/me');
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(user);
  });
});
