import { CSRF_FIELD } from './csrf.js';
import { html } from './html.js';
import { translate, DICTIONARY } from './i18n.js';
import { formatMaskedNumber } from './phone-format.js';

/**
 * @typedef {object} PageContext
 * @property {import('./i18n.js').Locale} locale
 * @property {string} csrfToken
 * @property {boolean} emulator Whether the built-in emulator places the calls.
 */

/**
 * @typedef {object} FlashMessage
 * @property {string} code Router message code such as WRONG_CODE, LOCKED, EXPIRED, RATE_LIMITED.
 * @property {number} [attemptsLeft]
 * @property {number} [retryAfterSeconds]
 */

/**
 * Wraps page content in the document: language, viewport, styles, the script and the CSRF
 * token that the script sends in a header.
 *
 * @param {PageContext} context
 * @param {string} title
 * @param {unknown} content
 * @returns {string}
 */
export function layout(context, title, content) {
  const t = (/** @type {string} */ key) => translate(context.locale, key);
  return html`<!doctype html>
    <html lang="${context.locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="csrf-token" content="${context.csrfToken}" />
        <title>${title}</title>
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/style.css" />
        <script src="/app.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">${t('app.skip')}</a>
        <main id="main" class="card">${content}</main>
      </body>
    </html> `.toString();
}

/**
 * Renders the phone number form.
 *
 * @param {PageContext} context
 * @param {{ message?: FlashMessage | null, phone?: string }} view
 * @returns {string}
 */
export function signInPage(context, view) {
  const t = (/** @type {string} */ key) => translate(context.locale, key);
  const content = html` <h1>${t('app.title')}</h1>
    ${messageBlock(context, view.message, {})}
    <form method="post" action="/auth/phone/start" class="stack">
      <input type="hidden" name="${CSRF_FIELD}" value="${context.csrfToken}" />
      <label for="phone">${t('phone.label')}</label>
      <input
        id="phone"
        type="tel"
        name="phone"
        autocomplete="tel"
        required
        autofocus
        maxlength="32"
        value="${view.phone ?? ''}"
        aria-describedby="phone-hint"
        placeholder="+7 900 000-00-00"
      />
      <p id="phone-hint" class="hint">${t('phone.hint')}</p>
      <button type="submit">${t('phone.submit')}</button>
    </form>`;
  return layout(context, t('app.title'), content);
}

/**
 * @typedef {object} WaitingView
 * @property {string} maskPrefix
 * @property {number} codeLength
 * @property {number} attemptsLeft
 * @property {number} retryAfterSeconds Seconds until a new call may be requested.
 * @property {number} expiresInSeconds Seconds until the code stops being accepted.
 * @property {string | undefined} status Last call status, such as `dialing`.
 * @property {string | undefined} typedPhone The number as the user typed it, for "Call me again".
 * @property {string | undefined} msisdn Called number without `+`, for the emulator's phone page.
 * @property {FlashMessage | null | undefined} message
 */

/**
 * Renders the page shown while a call is pending: the masked caller number, the code input, the live
 * call status, the repeat countdown and the way back to the phone form.
 *
 * @param {PageContext} context
 * @param {WaitingView} view
 * @returns {string}
 */
export function waitingPage(context, view) {
  const t = (/** @type {string} */ key, /** @type {Record<string, string | number>} */ values) =>
    translate(context.locale, key, values);
  const number = formatMaskedNumber(view.maskPrefix, view.codeLength);
  const waitSeconds = Math.max(0, Math.ceil(view.retryAfterSeconds));
  const locked = view.message?.code === 'LOCKED' || view.message?.code === 'EXPIRED';

  const content = html` <h1 class="waiting">
      ${t('wait.heading', {})} <span class="number">${number}</span>
    </h1>
    ${context.emulator && view.msisdn && emulatorPanel(context, view.msisdn)}
    <p id="call-status" class="status" aria-live="polite" data-status="${view.status ?? ''}">
      ${view.status ? t(`status.${view.status}`, {}) : ''}
    </p>
    <div id="message-slot">${messageBlock(context, view.message, { length: view.codeLength })}</div>
    <form id="verify-form" method="post" action="/auth/phone/verify" class="stack">
      <input type="hidden" name="${CSRF_FIELD}" value="${context.csrfToken}" />
      <label for="code">${t('wait.code.label', { length: view.codeLength })}</label>
      <input
        id="code"
        name="code"
        type="text"
        inputmode="numeric"
        autocomplete="one-time-code"
        pattern="[0-9]{${view.codeLength}}"
        maxlength="${view.codeLength}"
        minlength="${view.codeLength}"
        required
        autofocus
        class="code"
        aria-describedby="message-slot"
        ${locked ? html` disabled` : ''}
      />
      <button type="submit" ${locked ? html` disabled` : ''}>${t('wait.code.submit', {})}</button>
    </form>
    <p class="hint">
      ${t('wait.expires', { minutes: Math.max(1, Math.ceil(view.expiresInSeconds / 60)) })}
    </p>
    <form method="post" action="/auth/phone/start" class="stack" id="repeat-form">
      <input type="hidden" name="${CSRF_FIELD}" value="${context.csrfToken}" />
      <input type="hidden" name="phone" value="${view.typedPhone ?? ''}" />
      <p
        id="repeat-countdown"
        class="hint"
        data-seconds="${waitSeconds}"
        data-text-wait="${t('wait.repeat.in', { seconds: '{seconds}' })}"
        data-text-ready="${t('wait.repeat.ready', {})}"
      >
        ${
          waitSeconds > 0
            ? t('wait.repeat.in', { seconds: waitSeconds })
            : t('wait.repeat.ready', {})
        }
      </p>
      ${
        waitSeconds > 0 &&
        html`<noscript
          ><p class="hint"><a href="/">${t('wait.repeat.reload', {})}</a></p></noscript
        >`
      }
      <button type="submit" id="repeat" class="secondary" ${waitSeconds > 0 ? html` disabled` : ''}>
        ${t('wait.repeat', {})}
      </button>
    </form>
    <form method="post" action="/auth/phone/cancel">
      <input type="hidden" name="${CSRF_FIELD}" value="${context.csrfToken}" />
      <button type="submit" class="link">${t('wait.cancel', {})}</button>
    </form>
    <div id="texts" hidden data-texts="${JSON.stringify(clientTexts(context.locale))}"></div>`;
  return layout(context, t('app.title', {}), content);
}

/**
 * Renders the signed-in user's page with the phone number and the sign-out form.
 *
 * @param {PageContext} context
 * @param {import('./users.js').User} user
 * @returns {string}
 */
export function profilePage(context, user) {
  const t = (/** @type {string} */ key) => translate(context.locale, key);
  const date = (/** @type {string} */ iso) =>
    new Date(iso).toLocaleString(context.locale, {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'UTC',
    }) + ' UTC';
  const content = html` <h1>${t('profile.title')}</h1>
    <dl class="facts">
      <dt>${t('profile.phone')}</dt>
      <dd id="profile-phone">${user.phone}</dd>
      <dt>${t('profile.id')}</dt>
      <dd>${user.id}</dd>
      <dt>${t('profile.created')}</dt>
      <dd>${date(user.createdAt)}</dd>
      <dt>${t('profile.lastSignIn')}</dt>
      <dd>${date(user.lastSignInAt)}</dd>
    </dl>
    <form method="post" action="/logout">
      <input type="hidden" name="${CSRF_FIELD}" value="${context.csrfToken}" />
      <button type="submit">${t('profile.signOut')}</button>
    </form>`;
  return layout(context, t('profile.title'), content);
}

/**
 * Renders a page with one sentence, for 4xx and 500 responses.
 *
 * @param {PageContext} context
 * @param {string} key Dictionary key of the sentence.
 * @returns {string}
 */
export function errorPage(context, key) {
  const t = (/** @type {string} */ k) => translate(context.locale, k);
  return layout(
    context,
    t('app.title'),
    html`<h1>${t('app.title')}</h1>
      <p>${t(key)}</p>
      <p><a href="/">${t('phone.submit')}</a></p>`,
  );
}

/**
 * Renders a one-time message from the router, or nothing.
 *
 * @param {PageContext} context
 * @param {FlashMessage | null | undefined} message
 * @param {Record<string, string | number>} extra Values some texts need, such as the code length.
 */
function messageBlock(context, message, extra) {
  // The page itself shows that a call started or was cancelled, so those need no message.
  if (!message || message.code === 'CALL_STARTED' || message.code === 'CANCELLED') return '';
  const text = translate(context.locale, messageKey(message.code), {
    attemptsLeft: message.attemptsLeft ?? 0,
    seconds: Math.max(1, Math.ceil(message.retryAfterSeconds ?? 0)),
    ...extra,
  });
  return html`<p
    class="message"
    role="alert"
    id="message"
    data-code="${message.code}"
    data-attempts-left="${message.attemptsLeft ?? ''}"
  >
    ${text}
  </p>`;
}

/**
 * @param {string} code
 * @returns {string}
 */
function messageKey(code) {
  const key = `message.${code}`;
  return key in DICTIONARY.en ? key : 'message.UNKNOWN';
}

/**
 * Renders a link to the emulator's virtual phone, which shows the incoming call with its number.
 *
 * @param {PageContext} context
 * @param {string} msisdn
 */
function emulatorPanel(context, msisdn) {
  return html`<aside class="emulator" aria-label="Emulator">
    <p>${translate(context.locale, 'emulator.notice')}</p>
    <p>
      <a
        id="virtual-phone"
        href="/emulator/phone/${encodeURIComponent(msisdn)}"
        target="_blank"
        rel="noopener"
        >${translate(context.locale, 'emulator.open', { number: `+${msisdn}` })}</a
      >
    </p>
  </aside>`;
}

/**
 * Collects the texts the script needs to update the page: call statuses and messages.
 *
 * @param {import('./i18n.js').Locale} locale
 * @returns {Record<string, string>}
 */
function clientTexts(locale) {
  /** @type {Record<string, string>} */
  const texts = {};
  for (const key of Object.keys(DICTIONARY.en)) {
    if (key.startsWith('status.') || key.startsWith('message.') || key.startsWith('wait.repeat')) {
      texts[key] = translate(locale, key);
    }
  }
  return texts;
}
