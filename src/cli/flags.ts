import { UsageError } from './usage-error.js';

/** A flag as `node:util` parseArgs takes it, plus its help text. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  /** Placeholder of the value in the help, for string flags. */
  value?: string;
  description: string;
}

/** Values of the parsed flags, keyed by flag name. */
export type FlagValues = Record<string, string | boolean | undefined>;

/** Flags that every API subcommand takes. */
export const GLOBAL_FLAGS: Record<string, FlagSpec> = {
  'call-api-id': {
    type: 'string',
    value: 'ID',
    description: 'account id (default: LOGINBYCALL_CALL_API_ID)',
  },
  'api-key': {
    type: 'string',
    value: 'KEY',
    description:
      'api-key that signs requests (default: LOGINBYCALL_API_KEY, which ps does not show)',
  },
  'api-url': {
    type: 'string',
    value: 'URL',
    description: 'API address (default: LOGINBYCALL_API_URL, else the production service)',
  },
  transport: {
    type: 'string',
    value: 'NAME',
    description: 'get, form, rest or multipart (default: form)',
  },
  'params-json': { type: 'boolean', description: 'send all parameters as one JSON params field' },
  'signature-header': {
    type: 'boolean',
    description: 'send the signature in the Signature header',
  },
  timeout: {
    type: 'string',
    value: 'MS',
    description: 'time limit per request in ms, 1 to 600000 (default: 5000)',
  },
  json: { type: 'boolean', description: "print the service's JSON response" },
  help: { type: 'boolean', description: 'print this help' },
};

/** Returns a string flag's value, or throws a usage error when it is missing and required. */
export function stringFlag(values: FlagValues, name: string, required: true): string;
export function stringFlag(values: FlagValues, name: string, required?: false): string | undefined;
export function stringFlag(values: FlagValues, name: string, required = false): string | undefined {
  const value = values[name];
  if (typeof value === 'string' && value !== '') return value;
  if (required) throw new UsageError(`missing --${name}`);
  return undefined;
}

/** Parses an integer flag within bounds, or throws a usage error that names the flag. */
export function integerFlag(
  values: FlagValues,
  name: string,
  bounds: { min: number; max?: number; required: true },
): number;
export function integerFlag(
  values: FlagValues,
  name: string,
  bounds: { min: number; max?: number; required?: false },
): number | undefined;
export function integerFlag(
  values: FlagValues,
  name: string,
  bounds: { min: number; max?: number; required?: boolean },
): number | undefined {
  const text = bounds.required ? stringFlag(values, name, true) : stringFlag(values, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value) || value < bounds.min || value > max) {
    const range =
      bounds.max === undefined ? `>= ${bounds.min}` : `from ${bounds.min} to ${bounds.max}`;
    throw new UsageError(`invalid --${name} ${JSON.stringify(text)}: expected an integer ${range}`);
  }
  return value;
}
