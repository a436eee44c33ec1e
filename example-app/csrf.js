import { randomBytes, timingSafeEqual } from 'node:crypto';

/** Methods that change nothing and so need no token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Header in which scripts send the token with JSON requests. */
export const CSRF_HEADER = 'x-csrf-token';

/** Form field in which plain HTML forms send the token. */
export const CSRF_FIELD = '_csrf';

/**
 * Returns the session's CSRF token, creating it on first use. Pages put it in every form and
 * in a meta tag for the script.
 * Storing the token saves a session for every visitor who loads a page, signed in or not.
 *
 * @param {import('express').Request} req
 * @returns {string}
 */
export function csrfToken(req) {
  const session = /** @type {any} */ (req.session);
  // Error pages may render before the session middleware ran; their forms then fail the check.
  if (session === undefined) return '';
  if (typeof session.csrfToken !== 'string') {
    session.csrfToken = randomBytes(32).toString('base64url');
  }
  return session.csrfToken;
}

/**
 * Rejects every POST, PUT, PATCH and DELETE whose token does not match the session's
 * (synchronizer token pattern). Mount it after the session and body parsers and before every
 * router that accepts such requests, including the sign-in router.
 *
 * @returns {import('express').RequestHandler}
 */
export function requireCsrfToken() {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }

    const expected = /** @type {any} */ (req.session)?.csrfToken;
    const sent = req.get(CSRF_HEADER) ?? req.body?.[CSRF_FIELD];
    if (typeof expected === 'string' && typeof sent === 'string' && tokensEqual(sent, expected)) {
      next();
      return;
    }

    res.status(403);
    if (req.accepts(['html', 'json']) === 'json') {
      res.json({
        error: { code: 'CSRF_TOKEN_INVALID', message: 'Reload the page and try again.' },
      });
    } else {
      res.type('text/plain').send('The form has expired. Go back, reload the page and try again.');
    }
  };
}

/**
 * Compares in constant time; the length check first, because timingSafeEqual needs equal lengths.
 *
 * @param {string} sent
 * @param {string} expected
 * @returns {boolean}
 */
function tokensEqual(sent, expected) {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
