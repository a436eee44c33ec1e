import { callStatusName, type MethodName } from '../protocol/index.js';
import { LoginByCallTransportError } from './errors.js';
import type {
  AccountStatus,
  Balance,
  CallResult,
  CallStatus,
  ChangeCredentialResult,
  PayResult,
  Payment,
  RegisterResult,
  ServerStatus,
} from './types.js';

/** A JSON object returned by the service, read by one method's decoder. */
type Body = Record<string, unknown>;

/*
 * Decoders of successful responses. A missing or mistyped field means the body is not what the
 * method returns, which is reported like unparsable JSON. Numbers sent as numeric strings and
 * flags sent as booleans are accepted, because the reference shows values but no schema.
 */

export function decodeRegister(body: Body): RegisterResult {
  return {
    callApiId: readString(body, 'register', 'call_api_id'),
    verifyUrl: readString(body, 'register', 'verify_url'),
  };
}

export function decodeStatus(body: Body): AccountStatus {
  return {
    activated: readFlag(body, 'status', 'activated'),
    blocked: readFlag(body, 'status', 'blocked'),
    allowUnsecureCalls: readFlag(body, 'status', 'allow_unsecure_calls'),
  };
}

export function decodeServerStatus(body: Body): ServerStatus {
  return { serverStatus: readFlag(body, 'server-status', 'server_status') ? 1 : 0 };
}

export function decodeBalance(body: Body): Balance {
  const balance = readNumber(body, 'balance', 'balance');
  const consumed = readNumber(body, 'balance', 'consumed');
  const payments = body['last_payments'] ?? [];
  if (!Array.isArray(payments)) throw invalidField('balance', 'last_payments', 'an array');

  return {
    balance,
    consumed,
    current: balance - consumed,
    balanceNotifyLimit: readNumber(body, 'balance', 'balance_notify_limit'),
    lastPayments: payments.map((payment: unknown): Payment => {
      if (typeof payment !== 'object' || payment === null) {
        throw invalidField('balance', 'last_payments', 'an array of objects');
      }
      const entry = payment as Body;
      return {
        value: readNumber(entry, 'balance', 'value'),
        created: readNumber(entry, 'balance', 'created'),
      };
    }),
  };
}

export function decodePay(body: Body): PayResult {
  if (typeof body['html'] === 'string') return { kind: 'html', html: body['html'] };

  const url = readString(body, 'pay', 'url');
  const query = body['query'] ?? {};
  if (typeof query !== 'object' || query === null || Array.isArray(query)) {
    throw invalidField('pay', 'query', 'an object');
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) fields[name] = String(value);

  const method = String(body['method'] ?? 'POST').toUpperCase();
  if (method !== 'GET' && method !== 'POST') throw invalidField('pay', 'method', 'GET or POST');
  return { kind: 'redirect', url, query: fields, method };
}

export function decodeChangeCredential(body: Body): ChangeCredentialResult {
  return { callApiId: readString(body, 'change_credential', 'call_api_id') };
}

export function decodeCall(body: Body): CallResult {
  return {
    callId: readString(body, 'call', 'call'),
    mask: readString(body, 'call', 'mask'),
    codeLength: readNumber(body, 'call', 'codelen'),
    repeatTimeout: readNumber(body, 'call', 'repeat_timeout'),
  };
}

export function decodeCallStatus(body: Body): CallStatus {
  const statusCode = readNumber(body, 'call-status', 'status');
  const lastError = body['last_error'];
  return {
    status: callStatusName(statusCode) ?? 'unknown',
    statusCode,
    description: typeof body['status_desc'] === 'string' ? body['status_desc'] : '',
    lastError: typeof lastError === 'string' && lastError !== '' ? lastError : null,
  };
}

function readString(body: Body, method: MethodName, field: string): string {
  const value = body[field];
  if (typeof value === 'string' && value !== '') return value;
  throw invalidField(method, field, 'a non-empty string');
}

function readNumber(body: Body, method: MethodName, field: string): number {
  const value = body[field];
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number === 'number' && Number.isFinite(number)) return number;
  throw invalidField(method, field, 'a number');
}

function readFlag(body: Body, method: MethodName, field: string): boolean {
  const value = body[field];
  if (value === 1 || value === '1' || value === true) return true;
  if (value === 0 || value === '0' || value === false) return false;
  throw invalidField(method, field, '0 or 1');
}

function invalidField(
  method: MethodName,
  field: string,
  expected: string,
): LoginByCallTransportError {
  return new LoginByCallTransportError({
    code: 'ERR_LOGINBYCALL_INVALID_JSON',
    method,
    message: `${method} returned JSON whose ${field} is not ${expected}`,
  });
}
