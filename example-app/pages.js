import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { getLoginByCallState } from 'passport-loginbycall';
import { csrfToken } from './csrf.js';
import { pickLocale } from './i18n.js';
import { errorPage, profilePage, signInPage, waitingPage } from './views.js';

/** Longest typed phone number kept in the session, in characters. */
const MAX_TYPED_PHONE_LENGTH = 32;

/**
 * Keeps the number as typed in the session before the sign-in router places the call, so the
 * code page can offer "Call me again" to the same number and link the emulator's phone page.
 * The router reads the same field again and rejects numbers it cannot call.
 *
 * @type {import('express').RequestHandler}
 */
export function rememberTypedPhone(req, _res, next) {
  const phone = req.body?.phone;
  if (typeof phone === 'string' && phone.length <= MAX_TYPED_PHONE_LENGTH) {
    /** @type {any} */ (req.session).typedPhone = phone;
  }
  next();
}

/**
 * Adds the pages: sign-in and code on `/`, the profile, sign-out and `/me`.
 *
 * @param {import('express').Express} app
 * @param {{ emulator: boolean, defaultCountry: string }} options
 */
export function addPages(app, { emulator, defaultCountry }) {
  /** @param {import('express').Request} req */
  const contextOf = (req) => ({ locale: pickLocale(req), csrfToken: csrfToken(req), emulator });

  app.get('/', async (req, res) => {
    if (req.user) {
      res.redirect(303, '/profile');
      return;
    }
    const state = await getLoginByCallState(req);
    const context = contextOf(req);
    res.set('Cache-Control', 'no-store');
    if (state.phase === 'pending' || state.phase === 'expired') {
      const typedPhone = /** @type {any} */ (req.session).typedPhone;
      res.send(
        waitingPage(context, {
          maskPrefix: state.maskPrefix,
          codeLength: state.codeLength,
          attemptsLeft: state.attemptsLeft,
          retryAfterSeconds: state.retryAfterSeconds,
          expiresInSeconds: state.expiresInSeconds,
          status: state.status,
          typedPhone,
          msisdn: toMsisdn(typedPhone, defaultCountry),
          message: state.message ?? (state.phase === 'expired' ? { code: 'EXPIRED' } : undefined),
        }),
      );
    } else {
      // After a rejected number the form keeps it for correction; after a cancel it is empty.
      const keepPhone = state.message !== undefined && state.message.code !== 'CANCELLED';
      const typedPhone = /** @type {any} */ (req.session).typedPhone;
      res.send(
        signInPage(context, { message: state.message, phone: keepPhone ? typedPhone : undefined }),
      );
    }
  });

  app.get('/profile', (req, res) => {
    const user = /** @type {import('./users.js').User | undefined} */ (req.user);
    if (!user) {
      res.redirect(303, '/');
      return;
    }
    res.set('Cache-Control', 'no-store');
    res.send(profilePage(contextOf(req), user));
  });

  app.post('/logout', (req, res, next) => {
    req.logout((error) => {
      if (error) next(error);
      else res.redirect(303, '/');
    });
  });

  app.get('/me', (req, res) => {
    const user = /** @type {import('./users.js').User | undefined} */ (req.user);
    res.set('Cache-Control', 'no-store');
    if (!user) {
      res.status(401).json({ error: { code: 'NOT_SIGNED_IN', message: 'Sign in first.' } });
      return;
    }
    res.json({ id: user.id, phone: user.phone });
  });

  app.use((req, res) => {
    res.status(404).send(errorPage(contextOf(req), 'error.notFound'));
  });

  app.use(
    /** @type {import('express').ErrorRequestHandler} */
    (error, req, res, _next) => {
      // Body parsers mark bad input with a 4xx status: too large, malformed JSON.
      const status = error?.status >= 400 && error?.status < 500 ? error.status : 500;
      const fields = { method: req.method, path: req.path, status, code: error?.code };
      console.error(`example-app: request failed: ${error?.message} ${JSON.stringify(fields)}`);
      if (res.headersSent) return;
      if (req.accepts(['html', 'json']) === 'json') {
        res.status(status).json({ error: { code: 'REQUEST_FAILED', message: 'Try again.' } });
        return;
      }
      res.status(status).send(errorPage(contextOf(req), 'error.server'));
    },
  );
}

/**
 * Returns the E.164 digits without `+` of a typed number, or undefined when it does not parse.
 *
 * @param {unknown} typedPhone
 * @param {string} defaultCountry
 * @returns {string | undefined}
 */
function toMsisdn(typedPhone, defaultCountry) {
  if (typeof typedPhone !== 'string') return undefined;
  const parsed = parsePhoneNumberFromString(
    typedPhone,
    /** @type {import('libphonenumber-js').CountryCode} */ (defaultCountry),
  );
  return parsed?.number.slice(1);
}
