import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Time limit of a domain check, for the whole response, in ms. */
export const VERIFY_TIMEOUT_MS = 3_000;

/** Maximum size of the verification file in bytes. The file contains one call-api-id. */
export const VERIFY_BODY_LIMIT = 4 * 1024;

export type DomainCheckResult = { ok: true; body: string } | { ok: false; reason: string };

/**
 * Fetches the verification file by HTTP GET, following no redirects. Resolves with its text
 * for a 2xx response within the size and time limits, and with the reason otherwise.
 */
export function fetchVerifyFile(url: string): Promise<DomainCheckResult> {
  return new Promise((resolve) => {
    const parsed = new URL(url);
    const request = parsed.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const finish = (result: DomainCheckResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };

    const req = request(parsed, {
      method: 'GET',
      headers: { 'user-agent': 'loginbycall-emulator' },
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish({ ok: false, reason: `GET ${url} timed out after ${VERIFY_TIMEOUT_MS} ms` });
    }, VERIFY_TIMEOUT_MS);

    req.on('error', (error) =>
      finish({ ok: false, reason: `GET ${url} failed: ${error.message}` }),
    );
    req.on('response', (res) => readAnswer(url, res, req.destroy.bind(req), finish));
    req.end();
  });
}

function readAnswer(
  url: string,
  res: IncomingMessage,
  abort: () => void,
  finish: (result: DomainCheckResult) => void,
): void {
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 299) {
    res.resume();
    finish({ ok: false, reason: `GET ${url} returned HTTP ${status}` });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > VERIFY_BODY_LIMIT) {
      abort();
      finish({ ok: false, reason: `GET ${url} returned more than ${VERIFY_BODY_LIMIT} bytes` });
      return;
    }
    chunks.push(chunk);
  });
  res.on('end', () => finish({ ok: true, body: Buffer.concat(chunks).toString('utf8') }));
  res.on('error', (error) => finish({ ok: false, reason: `GET ${url} failed: ${error.message}` }));
}
