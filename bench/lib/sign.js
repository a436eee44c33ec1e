import { createHmac, randomBytes } from 'node:crypto';

/**
 * Builds the form body of a signed `call` request. The signature is HMAC-SHA512 keyed with
 * the API key over the method name and then NUL, name, NUL, value for call-api-id, timestamp,
 * nonce, msisdn and ip_address in that order, leaving out empty values (LoginByCall v2.0
 * reference, "Digital signature"). Written here on purpose instead of importing the
 * package's signer, so the baseline app shares no code with the package.
 */
export function signedCallBody({ callApiId, apiKey, msisdn, ipAddress }) {
  const params = {
    'call-api-id': callApiId,
    timestamp: String(Math.floor(Date.now() / 1000)),
    nonce: randomBytes(20).toString('base64'),
    msisdn,
    ip_address: ipAddress,
  };
  const hmac = createHmac('sha512', apiKey).update('call');
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === '') continue;
    hmac.update('\0').update(name).update('\0').update(value);
  }
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') body.set(name, value);
  }
  body.set('signature', hmac.digest('hex'));
  return body.toString();
}
