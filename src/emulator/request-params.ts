import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { API_PATH_PREFIX } from '../protocol/index.js';
import { ApiError } from './api-error.js';

/** Largest request body the API accepts, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** A request to `/callapi/v2.0/<method>` with its parameters from every transport merged. */
export interface ApiRequest {
  /** The first path segment after the prefix, percent-decoded; may name no known method. */
  method: string;
  /** Parameter values by name. Empty values are kept: the signature skips them, checks reject them. */
  params: Map<string, string>;
}

/**
 * Reads the method name and parameters from the REST path, the query string, an urlencoded or
 * multipart body, and the `params` JSON field of any of them. `path` is the part of the URL
 * after the API prefix, without the query. A parameter given twice with different values is
 * rejected, so a client that sends conflicting values learns about it.
 */
export async function readApiRequest(
  req: IncomingMessage,
  path: string,
  query: URLSearchParams,
): Promise<ApiRequest> {
  const params = new Map<string, string>();
  const add = (name: string, value: string): void => addParam(params, name, value);

  const segments = path.split('/').filter((segment) => segment !== '');
  const decoded = segments.map(decodeSegment);
  const method = decoded[0] ?? '';
  const rest = decoded.slice(1);
  if (rest.length % 2 !== 0) {
    throw new ApiError(
      'INVALID_ARGS',
      `REST path has a parameter name without a value: ${rest.at(-1) ?? ''}`,
    );
  }
  for (let i = 0; i < rest.length; i += 2) add(rest[i] ?? '', rest[i + 1] ?? '');

  for (const [name, value] of query) add(name, value);

  if (req.method === 'POST' || req.method === 'PUT') {
    for (const [name, value] of await readFormBody(req)) add(name, value);
  }

  const json = params.get('params');
  if (json !== undefined) {
    params.delete('params');
    for (const [name, value] of parseParamsJson(json)) add(name, value);
  }
  return { method, params };
}

function addParam(params: Map<string, string>, name: string, value: string): void {
  const previous = params.get(name);
  if (previous !== undefined && previous !== value) {
    throw new ApiError('INVALID_ARGS', `Parameter ${name} was given twice with different values`);
  }
  params.set(name, value);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError('INVALID_ARGS', `Invalid percent-encoding in the path segment ${segment}`);
  }
}

/** Reads the `params` field: a JSON object whose values are strings, numbers, booleans or null. */
function parseParamsJson(json: string): Array<[string, string]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new ApiError('INVALID_ARGS', 'Parameter params is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ApiError('INVALID_ARGS', 'Parameter params must be a JSON object');
  }
  const entries: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (value === null) continue;
    if (typeof value === 'object') {
      throw new ApiError(
        'INVALID_ARGS',
        `Parameter ${name} in params must be a string or a number`,
      );
    }
    entries.push([name, String(value)]);
  }
  return entries;
}

/** Reads an urlencoded or multipart body of at most MAX_BODY_BYTES into fields. */
export async function readFormBody(req: IncomingMessage): Promise<Array<[string, string]>> {
  const preParsed = bodyParsedByMiddleware(req);
  if (preParsed !== undefined) return preParsed;

  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) return readMultipart(req);

  const body = await readLimited(req);
  if (body.length === 0) return [];
  if (type.startsWith('application/x-www-form-urlencoded') || type === '') {
    return [...new URLSearchParams(body.toString('utf8'))];
  }
  throw new ApiError(
    'INVALID_ARGS',
    `Unsupported Content-Type ${type}: send application/x-www-form-urlencoded or multipart/form-data`,
  );
}

/** Takes the fields from a body that a body parser mounted before the emulator already read. */
function bodyParsedByMiddleware(req: IncomingMessage): Array<[string, string]> | undefined {
  const body = (req as IncomingMessage & { body?: unknown }).body;
  if (!req.readableEnded || typeof body !== 'object' || body === null) return undefined;
  return Object.entries(body).flatMap(([name, value]): Array<[string, string]> =>
    typeof value === 'string' || typeof value === 'number' ? [[name, String(value)]] : [],
  );
}

/** Reads a body of at most MAX_BODY_BYTES. */
export async function readLimited(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) throw bodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw bodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function bodyTooLarge(): ApiError {
  const error = new ApiError('INVALID_ARGS', `Request body is larger than ${MAX_BODY_BYTES} bytes`);
  error.closeConnection = true;
  return error;
}

function readMultipart(req: IncomingMessage): Promise<Array<[string, string]>> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return Promise.reject(bodyTooLarge());

  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // Files are not limited here: the file handler rejects the first one by its field name.
        limits: { fieldSize: MAX_BODY_BYTES, fields: 100, parts: 100 },
      });
    } catch (error) {
      reject(new ApiError('INVALID_ARGS', `Invalid multipart body: ${(error as Error).message}`));
      return;
    }

    const fields: Array<[string, string]> = [];
    let size = 0;
    let failed = false;
    const fail = (error: ApiError): void => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      reject(error);
    };

    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) fail(bodyTooLarge());
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(bodyTooLarge());
      else fields.push([name, value]);
    });
    parser.on('file', (name, stream) => {
      stream.resume();
      fail(
        new ApiError('INVALID_ARGS', `Multipart part ${name} is a file: send parameters as fields`),
      );
    });
    parser.on('fieldsLimit', () =>
      fail(new ApiError('INVALID_ARGS', 'Multipart body has more than 100 fields')),
    );
    parser.on('partsLimit', () =>
      fail(new ApiError('INVALID_ARGS', 'Multipart body has more than 100 parts')),
    );
    parser.on('error', (error: Error) =>
      fail(new ApiError('INVALID_ARGS', `Invalid multipart body: ${error.message}`)),
    );
    parser.on('close', () => {
      if (!failed) resolve(fields);
    });
    req.pipe(parser);
  });
}

/** Splits a request URL into the API path after the prefix and the query, or undefined for other paths. */
export function splitApiUrl(url: string): { path: string; query: URLSearchParams } | undefined {
  const queryStart = url.indexOf('?');
  const pathname = queryStart === -1 ? url : url.slice(0, queryStart);
  const search = queryStart === -1 ? '' : url.slice(queryStart + 1);
  if (!pathname.startsWith(API_PATH_PREFIX)) return undefined;
  return { path: pathname.slice(API_PATH_PREFIX.length), query: new URLSearchParams(search) };
}
