import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { MAX_ACCOUNTS, MAX_PENDING_CREDENTIALS } from '../../src/emulator/account-store.js';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import type { Logger } from '../../src/logger.js';
import { freePort } from '../support/redis-server.js';
import { callSigned, sendWire, type Credentials, type WireAnswer } from './wire.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A local web site that serves the domain verification files. */
interface Site {
  domain: string;
  files: Map<string, string>;
  requests: string[];
  server: Server;
}

let clock: ManualClock;
let emulator: Emulator;
let apiUrl: string;
let origin: string;
let site: Site;
let logged: Array<{ message: string; fields: Record<string, unknown> }>;

const logger: Logger = {
  info: (fields, message) => logged.push({ fields, message }),
  warn: (fields, message) => logged.push({ fields, message }),
  error: (fields, message) => logged.push({ fields, message }),
};

async function startSite(): Promise<Site> {
  const files = new Map<string, string>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = files.get(req.url ?? '');
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { domain: `127.0.0.1:${port}`, files, requests, server };
}

beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 0, 15, 12));
  logged = [];
  emulator = createEmulator({ clock, logger, verifyIntervalSeconds: 0 });
  ({ apiUrl, url: origin } = await emulator.listen());
  site = await startSite();
});

afterEach(async () => {
  await emulator.close();
  site.server.close();
  site.server.closeAllConnections();
});

function register(params: Record<string, string>): Promise<WireAnswer> {
  return sendWire(apiUrl, 'register', params);
}

/** Registers the site's domain and returns the new keys, read from the logger as a developer would. */
async function registerSite(
  extra: Record<string, string> = {},
): Promise<Credentials & { verifyUrl: string }> {
  const answer = await register({
    domain: site.domain,
    admin_email: 'admin@example.test',
    ...extra,
  });
  const callApiId = String(answer.body?.call_api_id);
  const line = logged.find(
    (entry) => entry.fields.callApiId === callApiId && entry.fields.apiKey !== undefined,
  );
  if (line === undefined) throw new Error(`register failed: ${answer.text}`);
  return {
    callApiId,
    apiKey: String(line.fields.apiKey),
    verifyUrl: String(answer.body?.verify_url),
  };
}

function serveVerifyFile(
  keys: { callApiId: string; verifyUrl: string },
  body = keys.callApiId,
): void {
  site.files.set(new URL(keys.verifyUrl).pathname, body);
}

function signed(
  method: Parameters<typeof callSigned>[1],
  own: Record<string, string>,
  keys: Credentials,
): Promise<WireAnswer> {
  return callSigned(apiUrl, method, own, keys, { nowMs: clock.now() });
}

async function confirmedSite(): Promise<Credentials & { verifyUrl: string }> {
  const keys = await registerSite();
  serveVerifyFile(keys);
  const answer = await signed('credential_confirm', {}, keys);
  if (answer.body?.error !== undefined) throw new Error(`confirm failed: ${answer.text}`);
  return keys;
}

describe('emulator register', () => {
  it('creates an inactive account with the default verify_url', async () => {
    const answer = await register({ domain: site.domain, admin_email: 'admin@example.test' });
    const callApiId = String(answer.body?.call_api_id);

    expect(callApiId).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(answer.body?.verify_url).toBe(`http://${site.domain}/lbc-${callApiId}.html`);
    expect((await sendWire(apiUrl, 'status', { 'call-api-id': callApiId })).body).toEqual({
      activated: 0,
      blocked: 0,
      allow_unsecure_calls: 0,
    });
  });

  it('logs the api-key in place of the e-mail', async () => {
    const keys = await registerSite();

    expect(keys.apiKey).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(
      emulator.accounts().find((account) => account.domain === site.domain)?.credentials[0]?.apiKey,
    ).toBe(keys.apiKey);
  });

  it('keeps a verify_url on the domain', async () => {
    const verifyUrl = `http://${site.domain}/verify/lbc.txt`;
    const answer = await register({
      domain: site.domain,
      admin_email: 'admin@example.test',
      verify_url: verifyUrl,
    });

    expect(answer.body?.verify_url).toBe(verifyUrl);
  });

  it('accepts a verify_url on a subdomain', async () => {
    const answer = await register({
      domain: 'shop.test',
      admin_email: 'admin@example.test',
      verify_url: 'https://www.shop.test/lbc.html',
    });

    expect(answer.body?.error).toBeUndefined();
  });

  it('returns ACCOUNT_VERIFY_URL_PROTOCOL for ftp', async () => {
    const answer = await register({
      domain: 'shop.test',
      admin_email: 'a@shop.test',
      verify_url: 'ftp://shop.test/x',
    });

    expect(answer.body).toMatchObject({ clazz: 'PROCESS', error: 'ACCOUNT_VERIFY_URL_PROTOCOL' });
  });

  it('returns ACCOUNT_VERIFY_URL_DOMAIN for another host', async () => {
    const answer = await register({
      domain: 'shop.test',
      admin_email: 'a@shop.test',
      verify_url: 'http://evilshop.test/lbc.html',
    });

    expect(answer.body).toMatchObject({ clazz: 'PROCESS', error: 'ACCOUNT_VERIFY_URL_DOMAIN' });
  });

  it('returns INVALID_ARGS for bad arguments', async () => {
    const cases: Array<Record<string, string>> = [
      { admin_email: 'a@shop.test' },
      { domain: 'shop.test' },
      { domain: 'http://shop.test', admin_email: 'a@shop.test' },
      { domain: 'shop.test/path', admin_email: 'a@shop.test' },
      { domain: 'shop.test', admin_email: 'not-an-email' },
      { domain: 'shop.test', admin_email: 'a@shop.test', admin_phone: 'call me' },
      { domain: 'shop.test', admin_email: 'a@shop.test', balance_notify_limit: '-2' },
      { domain: 'shop.test', admin_email: 'a@shop.test', verify_url: 'not a url' },
    ];
    for (const params of cases) {
      expect((await register(params)).body?.error, JSON.stringify(params)).toBe('INVALID_ARGS');
    }
  });

  it('returns ACCOUNT_INACTIVE before confirmation', async () => {
    const keys = await registerSite();

    expect((await signed('balance', {}, keys)).body?.error).toBe('ACCOUNT_INACTIVE');
    expect((await signed('call', { msisdn: '79990000001' }, keys)).body?.error).toBe(
      'ACCOUNT_INACTIVE',
    );
  });

  it('keeps balance and old keys on re-register', async () => {
    const first = await confirmedSite();
    emulator.credit(first.callApiId, 5_000);
    const second = await registerSite();

    expect(second.callApiId).not.toBe(first.callApiId);
    expect((await signed('balance', {}, first)).body?.balance).toBe(5_000);
    expect((await signed('balance', {}, second)).body?.error).toBe('ACCOUNT_INACTIVE');

    serveVerifyFile(second);
    expect((await signed('credential_confirm', {}, second)).body).toEqual({});
    expect((await signed('balance', {}, second)).body?.balance).toBe(5_000);
    expect((await signed('balance', {}, first)).body?.error).toBe('ACCOUNT_BLOCKED');
    expect(
      (await sendWire(apiUrl, 'status', { 'call-api-id': first.callApiId })).body?.blocked,
    ).toBe(1);
  });

  it('returns TOO_MANY_ACCOUNTS_REGISTERED after five a day', async () => {
    for (let i = 0; i < 5; i++) await registerSite();
    const sixth = await register({ domain: site.domain, admin_email: 'admin@example.test' });

    expect(sixth.body).toMatchObject({ clazz: 'PROCESS', error: 'TOO_MANY_ACCOUNTS_REGISTERED' });
  });

  it('caps the number of accounts', async () => {
    const answers = await Promise.all(
      Array.from({ length: MAX_ACCOUNTS }, (_, i) =>
        register({ domain: `site-${i}.test`, admin_email: 'admin@example.test' }),
      ),
    );
    const rejected = await register({ domain: 'one-more.test', admin_email: 'admin@example.test' });

    // The development account is one of the MAX_ACCOUNTS.
    expect(answers.filter((answer) => answer.body?.error === undefined)).toHaveLength(
      MAX_ACCOUNTS - 1,
    );
    expect(rejected.body?.error).toBe('TOO_MANY_ACCOUNTS_REGISTERED');
    expect(rejected.body?.reason).toContain(String(MAX_ACCOUNTS));
    expect(emulator.stats().accounts).toBe(MAX_ACCOUNTS);
  });

  it('registers again once old accounts expire', async () => {
    await Promise.all(
      Array.from({ length: MAX_ACCOUNTS - 1 }, (_, i) =>
        register({ domain: `site-${i}.test`, admin_email: 'admin@example.test' }),
      ),
    );
    clock.advance(DAY_MS + 61_000);
    const answer = await register({ domain: 'one-more.test', admin_email: 'admin@example.test' });

    expect(answer.body?.error).toBeUndefined();
    expect(emulator.stats().accounts).toBe(2);
  });

  it('forgets accounts never activated after a day', async () => {
    const keys = await registerSite();
    clock.advance(DAY_MS + 61_000);
    await sendWire(apiUrl, 'server-status', {});
    await signed('balance', {}, emulator.account);

    expect(emulator.accounts().map((account) => account.domain)).not.toContain(site.domain);
    expect((await sendWire(apiUrl, 'status', { 'call-api-id': keys.callApiId })).body?.error).toBe(
      'INVALID_ACCOUNT',
    );
  });
});

describe('emulator credential_confirm', () => {
  it('activates the account when the file holds the call-api-id', async () => {
    const keys = await registerSite();
    serveVerifyFile(keys, `${keys.callApiId}\n`);
    const answer = await signed('credential_confirm', {}, keys);

    expect(answer.body).toEqual({});
    expect(site.requests).toContain(new URL(keys.verifyUrl).pathname);
    expect(
      (await sendWire(apiUrl, 'status', { 'call-api-id': keys.callApiId })).body?.activated,
    ).toBe(1);
    expect((await signed('balance', {}, keys)).body?.balance).toBe(0);
  });

  it('returns INVALID_ACCOUNT_VERIFY_KEY for another id', async () => {
    const keys = await registerSite();
    serveVerifyFile(keys, 'someone-else');
    const answer = await signed('credential_confirm', {}, keys);

    expect(answer.body).toMatchObject({ clazz: 'PROCESS', error: 'INVALID_ACCOUNT_VERIFY_KEY' });
  });

  it('returns INVALID_ACCOUNT_VERIFY_RESPONSE for HTTP 404', async () => {
    const keys = await registerSite();
    const answer = await signed('credential_confirm', {}, keys);

    expect(answer.body).toMatchObject({
      clazz: 'PROCESS',
      error: 'INVALID_ACCOUNT_VERIFY_RESPONSE',
    });
    expect(answer.body?.reason).toContain('404');
  });

  it('returns INVALID_ACCOUNT_VERIFY_RESPONSE when nothing listens', async () => {
    const port = await freePort();
    const answer = await register({
      domain: `127.0.0.1:${port}`,
      admin_email: 'admin@example.test',
    });
    const callApiId = String(answer.body?.call_api_id);
    const apiKey = String(
      logged.find((entry) => entry.fields.callApiId === callApiId)?.fields.apiKey,
    );
    const confirm = await signed('credential_confirm', {}, { callApiId, apiKey });

    expect(confirm.body?.error).toBe('INVALID_ACCOUNT_VERIFY_RESPONSE');
  });

  it('returns INVALID_ACCOUNT_VERIFY_RESPONSE for a large file', async () => {
    const keys = await registerSite();
    serveVerifyFile(keys, keys.callApiId + ' '.repeat(10_000));
    const answer = await signed('credential_confirm', {}, keys);

    expect(answer.body?.error).toBe('INVALID_ACCOUNT_VERIFY_RESPONSE');
    expect(answer.body?.reason).toContain('bytes');
  });

  it('requires a signature', async () => {
    const keys = await registerSite();
    const answer = await sendWire(apiUrl, 'credential_confirm', { 'call-api-id': keys.callApiId });

    expect(answer.body?.error).toBe('NO_SIGNATURE');
  });

  it('activates by the periodic domain check', async () => {
    const keys = await registerSite();
    serveVerifyFile(keys);
    await emulator.checkDomains();

    expect(
      (await sendWire(apiUrl, 'status', { 'call-api-id': keys.callApiId })).body?.activated,
    ).toBe(1);
  });

  it('runs the periodic check on its timer', async () => {
    const timed = createEmulator({ clock, logger, verifyIntervalSeconds: 0.05 });
    const { apiUrl: timedUrl } = await timed.listen();
    try {
      const fetched = new Promise<string>((resolve) =>
        site.server.once('request', (req) => resolve(String(req.url))),
      );
      const answer = await sendWire(timedUrl, 'register', {
        domain: site.domain,
        admin_email: 'admin@example.test',
      });

      expect(await fetched).toBe(new URL(String(answer.body?.verify_url)).pathname);
    } finally {
      await timed.close();
    }
  });
});

describe('emulator change_credential', () => {
  it('issues new keys that replace the old ones once confirmed', async () => {
    const old = await confirmedSite();
    const answer = await signed('change_credential', { admin_email: 'new@example.test' }, old);
    const callApiId = String(answer.body?.call_api_id);
    const apiKey = String(
      logged.find((entry) => entry.fields.callApiId === callApiId)?.fields.apiKey,
    );
    const fresh = { callApiId, apiKey, verifyUrl: `http://${site.domain}/lbc-${callApiId}.html` };

    expect(callApiId).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(callApiId).not.toBe(old.callApiId);
    expect((await signed('balance', {}, old)).body?.error).toBeUndefined();
    expect((await signed('balance', {}, fresh)).body?.error).toBe('ACCOUNT_INACTIVE');

    serveVerifyFile(fresh);
    expect((await signed('credential_confirm', {}, fresh)).body).toEqual({});
    expect((await signed('balance', {}, fresh)).body?.error).toBeUndefined();
    expect((await signed('balance', {}, old)).body?.error).toBe('ACCOUNT_BLOCKED');
    expect(emulator.accounts().find((account) => account.domain === site.domain)?.adminEmail).toBe(
      'new@example.test',
    );
  });

  it('keeps the newest pending keys only', async () => {
    const issued: string[] = [];
    for (let i = 0; i <= MAX_PENDING_CREDENTIALS; i++) {
      const answer = await signed(
        'change_credential',
        { admin_email: 'a@example.test' },
        {
          ...emulator.account,
        },
      );
      issued.push(String(answer.body?.call_api_id));
    }
    const status = (callApiId: string): Promise<WireAnswer> =>
      sendWire(apiUrl, 'status', { 'call-api-id': callApiId });
    const pending = emulator
      .accounts()
      .flatMap((account) => account.credentials)
      .filter((credential) => credential.state === 'pending');

    expect(pending.map((credential) => credential.callApiId)).toEqual(issued.slice(1));
    expect((await status(issued[0] ?? '')).body?.error).toBe('INVALID_ACCOUNT');
    expect((await status(issued[1] ?? '')).body?.activated).toBe(0);
    expect((await signed('balance', {}, emulator.account)).body?.error).toBeUndefined();
  });

  it('returns INVALID_ARGS without admin_email', async () => {
    const answer = await signed('change_credential', {}, emulator.account);

    expect(answer.body?.error).toBe('INVALID_ARGS');
    expect(answer.body?.reason).toContain('admin_email');
  });

  it("returns CALL_NOT_FOUND for another account's call", async () => {
    const other = await confirmedSite();
    emulator.credit(other.callApiId, 1_000);
    const placed = await signed('call', { msisdn: '79990000001' }, other);

    const answer = await signed(
      'call-status',
      { call: String(placed.body?.call) },
      emulator.account,
    );
    expect(answer.body?.error).toBe('CALL_NOT_FOUND');
    expect(
      (await signed('call-hangup', { call: String(placed.body?.call) }, emulator.account)).body
        ?.error,
    ).toBe('CALL_NOT_FOUND');
  });
});

describe('emulator account methods', () => {
  it('returns server-status', async () => {
    expect((await sendWire(apiUrl, 'server-status', {})).body).toEqual({ server_status: 1 });
    emulator.setServerStatus(0);
    expect((await sendWire(apiUrl, 'server-status', {})).body).toEqual({ server_status: 0 });
  });

  it('returns status of the development account', async () => {
    const answer = await sendWire(apiUrl, 'status', { 'call-api-id': emulator.account.callApiId });

    expect(answer.body).toEqual({ activated: 1, blocked: 0, allow_unsecure_calls: 0 });
  });

  it('returns status errors', async () => {
    expect((await sendWire(apiUrl, 'status', {})).body?.error).toBe('INVALID_ARGS');
    expect((await sendWire(apiUrl, 'status', { 'call-api-id': 'nobody' })).body?.error).toBe(
      'INVALID_ACCOUNT',
    );
  });

  it('sets balance_notify_limit by options', async () => {
    expect(
      (await signed('options', { balance_notify_limit: '-1' }, emulator.account)).body,
    ).toEqual({});
    expect((await signed('balance', {}, emulator.account)).body?.balance_notify_limit).toBe(-1);
    expect(
      (await signed('options', { balance_notify_limit: 'lots' }, emulator.account)).body?.error,
    ).toBe('INVALID_ARGS');
  });

  it('lists the last five payments in balance', async () => {
    for (let i = 1; i <= 6; i++) {
      clock.advance(1_000);
      emulator.credit(emulator.account.callApiId, i);
    }
    const body = (await signed('balance', {}, emulator.account)).body;

    expect(body?.balance).toBe(1_000_000 + 21);
    expect(body?.consumed).toBe(0);
    expect(body?.last_payments).toEqual(
      [6, 5, 4, 3, 2].map((value) => ({
        value,
        created: Math.floor(clock.now() / 1000) - (6 - value),
      })),
    );
  });
});

describe('emulator pay', () => {
  it('returns url, query and method of its payment page', async () => {
    const body = (await signed('pay', { amount: '50000' }, emulator.account)).body;

    expect(body?.url).toBe(`${origin}/emulator/pay`);
    expect(body?.method).toBe('POST');
    expect(body?.query).toMatchObject({ amount: '50000', amount_usd: '5.00', currency: 'USD' });
  });

  it('returns a ready form when locale is given', async () => {
    const html = String(
      (await signed('pay', { amount: '50000', locale: 'ru' }, emulator.account)).body?.html,
    );

    expect(html).toMatch(/^<form method="post" action="http:\/\/127\.0\.0\.1:\d+\/emulator\/pay">/);
    expect(html).toContain('class="lbc-payment-button"');
  });

  it('credits the balance when the form is submitted', async () => {
    const body = (await signed('pay', { amount: '50000' }, emulator.account)).body;
    const query = body?.query as Record<string, string>;
    const page = await fetch(`${origin}/emulator/pay?payment_id=${query.payment_id}`);
    const submitted = await fetch(String(body?.url), {
      method: 'POST',
      body: new URLSearchParams({ ...query, action: 'pay' }),
    });

    expect(page.status).toBe(200);
    expect(await page.text()).toContain('5.00 USD');
    expect(submitted.status).toBe(200);
    const balance = (await signed('balance', {}, emulator.account)).body;
    expect(balance?.balance).toBe(1_050_000);
    expect((balance?.last_payments as unknown[])[0]).toEqual({
      value: 50_000,
      created: Math.floor(clock.now() / 1000),
    });
  });

  it('redirects to success_url and pays once', async () => {
    const body = (
      await signed(
        'pay',
        {
          amount: '100',
          success_url: 'https://shop.test/paid',
          fail_url: 'https://shop.test/failed',
        },
        emulator.account,
      )
    ).body;
    const form = new URLSearchParams({ ...(body?.query as Record<string, string>), action: 'pay' });
    const first = await fetch(String(body?.url), {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    const again = await fetch(String(body?.url), {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });

    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('https://shop.test/paid');
    expect(again.status).toBe(404);
    expect((await signed('balance', {}, emulator.account)).body?.balance).toBe(1_000_100);
  });

  it('redirects to fail_url without credit', async () => {
    const body = (
      await signed('pay', { amount: '100', fail_url: 'https://shop.test/failed' }, emulator.account)
    ).body;
    const form = new URLSearchParams({
      ...(body?.query as Record<string, string>),
      action: 'fail',
    });
    const answer = await fetch(String(body?.url), {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });

    expect(answer.headers.get('location')).toBe('https://shop.test/failed');
    expect((await signed('balance', {}, emulator.account)).body?.balance).toBe(1_000_000);
  });

  it('rejects bad amounts, locales and URLs', async () => {
    const cases: Array<Record<string, string>> = [
      { amount: '0' },
      { amount: '-5' },
      { amount: '1.5' },
      { amount: 'ten' },
      { amount: '100', locale: 'de' },
      { amount: '100', success_url: 'javascript:alert(1)' },
    ];
    for (const own of cases) {
      expect((await signed('pay', own, emulator.account)).body?.error, JSON.stringify(own)).toBe(
        'INVALID_ARGS',
      );
    }
  });
});
