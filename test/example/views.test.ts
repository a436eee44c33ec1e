import { describe, expect, it } from 'vitest';

/** The parts of example-app/views.js and phone-format.js under test; both are plain JavaScript. */
interface PageContext {
  locale: 'en' | 'ru';
  csrfToken: string;
  emulator: boolean;
}
interface ViewsModule {
  signInPage(context: PageContext, view: { message?: unknown; phone?: string }): string;
  waitingPage(context: PageContext, view: Record<string, unknown>): string;
}
interface PhoneFormatModule {
  formatMaskedNumber(maskPrefix: string, codeLength: number): string;
}

const viewsPath: string = '../../example-app/views.js';
const phoneFormatPath: string = '../../example-app/phone-format.js';
const { signInPage, waitingPage } = (await import(viewsPath)) as ViewsModule;
const { formatMaskedNumber } = (await import(phoneFormatPath)) as PhoneFormatModule;

const EN: PageContext = { locale: 'en', csrfToken: 'token-1', emulator: false };
const RU: PageContext = { locale: 'ru', csrfToken: 'token-1', emulator: false };

const PENDING = {
  maskPrefix: '7925688',
  codeLength: 4,
  attemptsLeft: 3,
  retryAfterSeconds: 25,
  expiresInSeconds: 280,
  status: 'dialing',
  typedPhone: '+7 999 000-00-01',
  msisdn: '79990000001',
  message: undefined,
};

describe('example views', () => {
  it('escapes a typed phone number', () => {
    const page = signInPage(EN, { phone: '"><script>alert(1)</script>' });
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('escapes the CSRF token and the phone in the code page', () => {
    const page = waitingPage(
      { ...EN, csrfToken: '"evil' },
      { ...PENDING, typedPhone: '"><img src=x>' },
    );
    expect(page).toContain('value="&quot;evil"');
    expect(page).toContain('value="&quot;&gt;&lt;img src=x&gt;"');
    expect(page).not.toContain('<img src=x>');
  });

  it('disables the code input when expired', () => {
    const page = waitingPage(EN, { ...PENDING, message: { code: 'EXPIRED', attemptsLeft: 0 } });
    expect(page).toContain('The code has expired. Ask for a new call.');
    expect(page).toMatch(/<input\s[^>]*id="code"[^>]*\sdisabled/);
  });

  it('shows attempts left for a wrong code', () => {
    const page = waitingPage(RU, { ...PENDING, message: { code: 'WRONG_CODE', attemptsLeft: 1 } });
    expect(page).toContain('Неверный код. Осталось попыток: 1.');
    expect(page).not.toMatch(/<input\s[^>]*id="code"[^>]*\sdisabled/);
  });

  it('shows the rate limit in whole seconds', () => {
    const page = signInPage(EN, { message: { code: 'RATE_LIMITED', retryAfterSeconds: 41.2 } });
    expect(page).toContain('Too many requests. Try again in 42 s.');
  });

  it('falls back for an unknown message code', () => {
    const page = signInPage(EN, { message: { code: 'SOMETHING_NEW' } });
    expect(page).toContain('Something went wrong. Try again.');
    expect(page).toContain('data-code="SOMETHING_NEW"');
  });

  it('disables "Call me again" during the countdown', () => {
    const waiting = waitingPage(EN, PENDING);
    expect(waiting).toMatch(/<button[^>]*id="repeat"[^>]*disabled/);
    expect(waiting).toContain('You can ask for a new call in 25 s.');
    const ready = waitingPage(EN, { ...PENDING, retryAfterSeconds: 0 });
    expect(ready).not.toMatch(/<button[^>]*id="repeat"[^>]*disabled/);
    expect(ready).toContain('You can ask for a new call now.');
  });

  it('links the virtual phone only in emulator mode', () => {
    expect(waitingPage(EN, PENDING)).not.toContain('/emulator/phone/');
    const page = waitingPage({ ...EN, emulator: true }, PENDING);
    expect(page).toContain('href="/emulator/phone/79990000001"');
    expect(page).toContain('target="_blank"');
  });

  it.each([
    ['+7925688', 4, '+7 925 688 ····'],
    ['7925688', 4, '+7 925 688 ····'],
    ['+1202555', 4, '+1 202 555 ····'],
    ['+74951', 6, '+7 495 1·· ····'],
  ])('formats mask %s with %i hidden digits', (prefix, length, expected) => {
    expect(formatMaskedNumber(prefix, length)).toBe(expected);
  });
});
