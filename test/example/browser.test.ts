/// <reference lib="dom" />
import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { Redis } from 'ioredis';
import { uniquePrefix } from '../support/redis.js';
import { startExampleProcess, type ExampleProcess } from './support/example-process.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = 'test-results/example';

/**
 * Seconds the emulator waits before it calls a number again: short, so the countdown ends
 * within the test, and long enough that a slow page load still shows it running.
 */
const REPEAT_TIMEOUT_SECONDS = 5;

const PHONE_VIEWPORT = { width: 390, height: 844 };
const DESKTOP_VIEWPORT = { width: 1280, height: 800 };

/** A call as `GET /emulator/calls` lists it; only the fields the test reads. */
interface ListedCall {
  msisdn: string;
  mask: string;
  codeLength: number;
  createdAt: number;
}

let app: ExampleProcess;
let browser: Browser;
const redisUrl = process.env.REDIS_URL;
const keyPrefix = uniquePrefix('example');

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: the browser test needs it. Install it with ` +
        '`apt-get update && apt-get install -y chromium`.',
    );
  }
  mkdirSync(SCREENSHOTS, { recursive: true });

  app = await startExampleProcess({
    EMULATOR_REPEAT_TIMEOUT: String(REPEAT_TIMEOUT_SECONDS),
    REDIS_KEY_PREFIX: keyPrefix,
    ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl }),
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  if (redisUrl !== undefined) await deleteKeys(redisUrl, keyPrefix);
});

/** Deletes the keys this run wrote; the Redis may be shared, so it is never flushed. */
async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    for (const key of await scanKeys(redis, prefix)) await redis.del(key);
  } finally {
    await redis.quit();
  }
}

async function scanKeys(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** Opens a fresh browser profile: its own cookies, so its own session. */
async function openContext(options: {
  javaScriptEnabled?: boolean;
  viewport?: { width: number; height: number };
  locale?: string;
}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: app.url,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: options.viewport ?? PHONE_VIEWPORT,
    locale: options.locale ?? 'en-US',
  });
  // Shorter than the test timeout, so a missing element fails with its selector in the message.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  return { context, page };
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

/** Reads the code of the latest call to `msisdn` the way its owner would: from the caller number. */
async function readCode(msisdn: string): Promise<string> {
  const response = await fetch(`${app.url}/emulator/calls?msisdn=${msisdn}`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as ListedCall[] | { calls: ListedCall[] };
  const calls = Array.isArray(body) ? body : body.calls;
  const latest = calls
    .filter((call) => call.msisdn === msisdn)
    .sort((a, b) => b.createdAt - a.createdAt)[0];
  if (latest === undefined) throw new Error(`The emulator lists no call to ${msisdn}`);
  return latest.mask.slice(-latest.codeLength);
}

/** Returns a code of the same length that differs from `code` in every digit. */
function wrongCodeFor(code: string): string {
  return [...code].map((digit) => String((Number(digit) + 1) % 10)).join('');
}

async function requestCall(page: Page, phone: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Phone number').fill(phone);
  await page.getByRole('button', { name: 'Call me' }).click();
  await page.waitForSelector('#verify-form');
}

/**
 * Requests a call, repeating the request every 250 ms while the number's repeat timeout runs.
 * Each attempt waits for the server's response, so this polls the server instead of sleeping.
 */
async function requestCallWhenAllowed(page: Page, phone: string): Promise<void> {
  const deadline = Date.now() + (REPEAT_TIMEOUT_SECONDS + 5) * 1000;
  for (;;) {
    await page.goto('/');
    if ((await page.locator('#verify-form').count()) > 0) return;
    await page.getByLabel('Phone number').fill(phone);
    await page.getByRole('button', { name: 'Call me' }).click();
    await page.waitForSelector('#verify-form, #message');
    if ((await page.locator('#verify-form').count()) > 0) return;
    expect(await page.getAttribute('#message', 'data-code')).toBe('RATE_LIMITED');
    if (Date.now() > deadline)
      throw new Error(`${phone} stayed rate limited past its repeat timeout`);
    await page.waitForTimeout(250);
  }
}

/** Returns what `/me` returns in this browser profile. */
async function fetchMe(page: Page): Promise<{ status: number; body: unknown }> {
  const response = await page.request.get('/me');
  return { status: response.status(), body: await response.json() };
}

// Browser steps on a loaded two-core machine take a few times longer than on an idle one.
describe('example app in a browser', { timeout: 45_000 }, () => {
  it('signs in through the emulator', async () => {
    const { context, page } = await openContext({});
    try {
      await page.goto('/');
      await screenshot(page, '01-phone-form-phone');
      await page.setViewportSize(DESKTOP_VIEWPORT);
      await screenshot(page, '01-phone-form-desktop');
      await page.setViewportSize(PHONE_VIEWPORT);

      await requestCall(page, '+7 925 000-00-01');
      const heading = await page.getByRole('heading', { level: 1 }).innerText();
      expect(heading).toMatch(/^Waiting for a call from \+7 \d{3} \d{3} ····$/);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('code');

      // The status line fills in once the script's first poll returns.
      await page.waitForFunction(
        () => (document.getElementById('call-status')?.textContent ?? '').trim() !== '',
      );
      expect(await page.getAttribute('#call-status', 'aria-live')).toBe('polite');
      // The emulator queues a call for 1 s before the phone rings; the script's polls show it.
      await page.waitForSelector('#call-status[data-status="dialing"]');
      expect(await page.innerText('#call-status')).toBe('Your phone is ringing.');
      await screenshot(page, '02-waiting-for-call');

      const phonePage = await context.newPage();
      await phonePage.goto('/emulator/phone/79250000001');
      await screenshot(phonePage, '03-virtual-phone');
      await phonePage.close();

      const code = await readCode('79250000001');
      await page.getByLabel(/Last \d digits/).fill(wrongCodeFor(code));
      await page.waitForSelector('#message[data-code="WRONG_CODE"]');
      expect(await page.innerText('#message')).toBe('Wrong code. Attempts left: 2.');
      await screenshot(page, '04-wrong-code');

      // Typing the last digit submits the form: no click.
      await page.getByLabel(/Last \d digits/).pressSequentially(code);
      await page.waitForURL('**/profile');
      expect(await page.textContent('#profile-phone')).toBe('+79250000001');
      await screenshot(page, '05-profile-phone');
      await page.setViewportSize(DESKTOP_VIEWPORT);
      await screenshot(page, '05-profile-desktop');

      const me = await fetchMe(page);
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ id: expect.any(Number), phone: '+79250000001' });
      const firstId = (me.body as { id: number }).id;

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForSelector('input[type="tel"]');
      expect((await fetchMe(page)).status).toBe(401);

      await page.setViewportSize(PHONE_VIEWPORT);
      // The second sign-in finds the user the first one created.
      await requestCallWhenAllowed(page, '+79250000001');
      await page.getByLabel(/Last \d digits/).pressSequentially(await readCode('79250000001'));
      await page.waitForURL('**/profile');
      const again = await fetchMe(page);
      expect(again.body).toEqual({ id: firstId, phone: '+79250000001' });
    } finally {
      await context.close();
    }
  });

  it('cancels, then rate-limits the number', async () => {
    const { context, page } = await openContext({});
    try {
      await requestCall(page, '+7 925 000-00-02');
      await page.getByRole('button', { name: 'Use another number' }).click();
      await page.waitForSelector('input[type="tel"]');
      expect(await page.locator('#verify-form').count()).toBe(0);
      expect(await page.getByLabel('Phone number').inputValue()).toBe('');
      await screenshot(page, '07-after-cancel');

      // The number's repeat timeout still runs, so a new call is rate limited.
      await page.getByLabel('Phone number').fill('+7 925 000-00-02');
      await page.getByRole('button', { name: 'Call me' }).click();
      await page.waitForSelector('#message[data-code="RATE_LIMITED"]');
      expect(await page.innerText('#message')).toMatch(
        /^Too many requests\. Try again in [1-5] s\.$/,
      );
      expect(await page.getByLabel('Phone number').inputValue()).toBe('+7 925 000-00-02');
      await screenshot(page, '07-rate-limited');
    } finally {
      await context.close();
    }
  });

  it('enables "Call me again" after the countdown', async () => {
    const { context, page } = await openContext({});
    try {
      await requestCall(page, '+7 925 000-00-03');
      const repeat = page.getByRole('button', { name: 'Call me again' });
      expect(await repeat.isDisabled()).toBe(true);
      expect(await page.innerText('#repeat-countdown')).toMatch(
        /^You can ask for a new call in [1-5] s\.$/,
      );
      await screenshot(page, '08-countdown');

      // The emulator's repeat timeout runs in real time; the button turns on when it ends.
      await page.waitForFunction(
        () => !(document.getElementById('repeat') as HTMLButtonElement).disabled,
        undefined,
        { timeout: (REPEAT_TIMEOUT_SECONDS + 5) * 1000 },
      );
      expect(await page.innerText('#repeat-countdown')).toBe('You can ask for a new call now.');
      await screenshot(page, '09-countdown-done');

      const firstCode = await readCode('79250000003');
      await repeat.click();
      await page.waitForSelector('#verify-form');
      expect(await repeat.isDisabled()).toBe(true);
      const calls = await fetch(`${app.url}/emulator/calls?msisdn=79250000003`).then(
        (response) => response.json() as Promise<ListedCall[] | { calls: ListedCall[] }>,
      );
      expect((Array.isArray(calls) ? calls : calls.calls).length).toBe(2);

      // Wrong codes for the new call use up its attempts, and the code form locks.
      const secondCode = await readCode('79250000003');
      expect(secondCode).not.toBe('');
      const codeInput = page.getByLabel(/Last \d digits/);
      for (const attemptsLeft of [2, 1]) {
        await codeInput.pressSequentially(wrongCodeFor(secondCode));
        await page.waitForSelector(`#message[data-attempts-left="${attemptsLeft}"]`);
      }
      await codeInput.pressSequentially(wrongCodeFor(secondCode));
      await page.waitForSelector('#message[data-code="LOCKED"]');
      expect(await page.innerText('#message')).toBe('Too many wrong codes. Ask for a new call.');
      expect(await codeInput.isDisabled()).toBe(true);
      expect(firstCode).not.toBe('');
      await screenshot(page, '10-locked');
    } finally {
      await context.close();
    }
  });

  it('signs in without JavaScript', async () => {
    const { context, page } = await openContext({
      javaScriptEnabled: false,
      viewport: DESKTOP_VIEWPORT,
      locale: 'ru-RU',
    });
    try {
      await page.goto('/');
      expect(await page.getAttribute('html', 'lang')).toBe('ru');
      await page.getByLabel('Номер телефона').fill('+7 925 000-00-04');
      await page.getByRole('button', { name: 'Позвоните мне' }).click();
      await page.waitForSelector('#verify-form');
      await screenshot(page, '11-no-js-waiting');

      const code = await readCode('79250000004');
      await page.getByLabel(/Последние \d цифры/).fill(wrongCodeFor(code));
      await page.getByRole('button', { name: 'Войти' }).click();
      await page.waitForSelector('#message[data-code="WRONG_CODE"]');
      expect(await page.innerText('#message')).toBe('Неверный код. Осталось попыток: 2.');
      await screenshot(page, '12-no-js-wrong-code');

      await page.getByLabel(/Последние \d цифры/).fill(code);
      await page.getByRole('button', { name: 'Войти' }).click();
      await page.waitForURL('**/profile');
      expect(await page.textContent('#profile-phone')).toBe('+79250000004');
      await screenshot(page, '13-no-js-profile');
    } finally {
      await context.close();
    }
  });

  it('keeps sessions and pending calls in Redis when REDIS_URL is set', async () => {
    const { context, page } = await openContext({});
    try {
      await requestCall(page, '+7 925 000-00-05');
      if (redisUrl === undefined) {
        expect(app.output()).toContain('REDIS_URL: not set');
        return;
      }
      expect(app.output()).toContain(`keys prefixed "${keyPrefix}"`);
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
      try {
        const keys = await scanKeys(redis, keyPrefix);
        expect(keys.some((key) => key.startsWith(`${keyPrefix}sess:`))).toBe(true);
        expect(keys.some((key) => key.startsWith(`${keyPrefix}pending:`))).toBe(true);
      } finally {
        await redis.quit();
      }
    } finally {
      await context.close();
    }
  });
});
