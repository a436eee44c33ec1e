import type { IncomingMessage } from 'node:http';
import { LoginByCallFlowError } from '../passport/flow-error.js';

/** A parsed request body: field names to string values. */
export type FormFields = Record<string, unknown>;

interface BodyRequest extends IncomingMessage {
  body?: unknown;
  /** Set by body-parser (and so by express.json() and express.urlencoded()) once it read the body. */
  _body?: boolean;
}

/**
 * Returns the request body as an object, parsing JSON or urlencoded input itself unless a body
 * parser of the app already did. Every malformed, oversized or unsupported body becomes a 4xx
 * `LoginByCallFlowError`, never a 5xx.
 */
export async function readBody(req: BodyRequest, limitBytes: number): Promise<FormFields> {
  if (req._body === true || (req.body !== undefined && !isEmptyObject(req.body))) {
    return requirePlainObject(req.body);
  }

  const length = Number(req.headers['content-length'] ?? 0);
  if (Number.isFinite(length) && length > limitBytes) throw tooLarge(limitBytes);
  const raw = await readRaw(req, limitBytes);
  if (raw.length === 0) return {};

  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json')) return parseJson(raw);
  if (type === 'application/x-www-form-urlencoded') return parseForm(raw);
  throw new LoginByCallFlowError(
    'UNSUPPORTED_MEDIA_TYPE',
    415,
    'Send the body as application/json or application/x-www-form-urlencoded.',
  );
}

/** Reads a string field; missing or empty gives undefined, any other type is a 400. */
export function stringField(fields: FormFields, name: string): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(fields, name)) return undefined;
  const value = fields[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new LoginByCallFlowError('INVALID_BODY', 400, `The field "${name}" must be a string.`);
  }
  return value;
}

function readRaw(req: IncomingMessage, limitBytes: number): Promise<string> {
  if (req.readableEnded) return Promise.resolve('');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        // Keep draining without storing, so the response still reaches the client.
        req.resume();
        reject(tooLarge(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(
        new LoginByCallFlowError(
          'INVALID_BODY',
          400,
          'The request body could not be read.',
          {},
          { cause: error },
        ),
      );
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function parseJson(raw: string): FormFields {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new LoginByCallFlowError('INVALID_BODY', 400, 'The request body is not valid JSON.');
  }
  return requirePlainObject(parsed);
}

function parseForm(raw: string): FormFields {
  const fields: FormFields = Object.create(null) as FormFields;
  for (const [key, value] of new URLSearchParams(raw)) {
    // A repeated field is ambiguous: keep it as an array so that stringField refuses it.
    const earlier = fields[key];
    fields[key] = earlier === undefined ? value : [earlier, value].flat();
  }
  return fields;
}

function requirePlainObject(value: unknown): FormFields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LoginByCallFlowError('INVALID_BODY', 400, 'The request body must be an object.');
  }
  return value as FormFields;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

function tooLarge(limitBytes: number): LoginByCallFlowError {
  return new LoginByCallFlowError(
    'BODY_TOO_LARGE',
    413,
    `The request body is larger than ${limitBytes} bytes.`,
  );
}
