/**
 * The benchmark's own way to learn a call's code, shared by both apps so both pay the same
 * cost. Each app records the last `codeLength` digits of the caller number that the service
 * returned for a call, and the load generator reads them once through GET /bench/code.
 * It lives only in these benchmark apps: the package itself has no such route, and no
 * response of the package contains the digits.
 */
export class CodeTap {
  #codes = new Map();

  /** Upper bound on remembered codes, so an app whose codes are never read stays bounded. */
  static MAX_ENTRIES = 50_000;

  record(msisdn, code) {
    if (this.#codes.size >= CodeTap.MAX_ENTRIES) {
      const oldest = this.#codes.keys().next().value;
      this.#codes.delete(oldest);
    }
    this.#codes.set(msisdn, code);
  }

  /** Returns the code recorded for the number and deletes it, or undefined. */
  take(msisdn) {
    const code = this.#codes.get(msisdn);
    this.#codes.delete(msisdn);
    return code;
  }
}

/** Express handler of GET /bench/code?msisdn=79160000001: `{ code }` or 404. */
export function codeRoute(tap) {
  return (req, res) => {
    const msisdn = typeof req.query.msisdn === 'string' ? req.query.msisdn : '';
    const code = tap.take(msisdn);
    if (code === undefined) {
      res.status(404).json({ error: { code: 'NO_CODE', message: 'No call recorded for it' } });
      return;
    }
    res.json({ code });
  };
}
