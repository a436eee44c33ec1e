import { LoginByCallOptionError } from '../api/errors.js';

/** Option checks shared by the strategy and the router. Each error names the option and the fix. */

/** Requires a plain object. `option` names a nested option such as `limits`; omit it at the top. */
export function assertObject(
  value: unknown,
  owner: string,
  option = 'options',
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LoginByCallOptionError(
      option,
      `${owner}: options must be an object, got ${describe(value)}.`,
    );
  }
  return value as Record<string, unknown>;
}

/**
 * Rejects keys outside `known`, so a misspelt option fails instead of being ignored. `parent`
 * names the enclosing option, so that the error's `option` is the full path (`limits.perDay`).
 */
export function assertKnownKeys(
  input: Record<string, unknown>,
  known: readonly string[],
  owner: string,
  parent?: string,
): void {
  for (const key of Object.keys(input)) {
    if (!known.includes(key)) {
      throw new LoginByCallOptionError(
        parent === undefined ? key : `${parent}.${key}`,
        `${owner}: unknown option "${key}". Known options: ${known.join(', ')}.`,
      );
    }
  }
}

/** Requires an object with the named methods, such as a client or a store. */
export function requireMethods(
  value: unknown,
  option: string,
  methods: readonly string[],
  expected: string,
): void {
  if (typeof value !== 'object' || value === null) {
    throw new LoginByCallOptionError(
      option,
      `Missing or invalid option "${option}" (${describe(value)}): pass ${expected}.`,
    );
  }
  for (const method of methods) {
    if (typeof (value as Record<string, unknown>)[method] !== 'function') {
      throw new LoginByCallOptionError(
        option,
        `Option "${option}" has no ${method}() method: pass ${expected}.`,
      );
    }
  }
}

/** Returns the integer option, or `fallback` when it is undefined. */
export function integerInRange(
  value: unknown,
  option: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new LoginByCallOptionError(
      option,
      `Option "${option}" is ${describe(value)}: use an integer from ${min} to ${max} (default ${fallback}).`,
    );
  }
  return value;
}

export function optionalFunction(value: unknown, option: string): unknown {
  if (value !== undefined && typeof value !== 'function') {
    throw new LoginByCallOptionError(
      option,
      `Option "${option}" is ${describe(value)}: pass a function or leave it out.`,
    );
  }
  return value;
}

export function optionalString(value: unknown, option: string, pattern?: RegExp): unknown {
  if (value === undefined) return value;
  if (typeof value !== 'string' || (pattern !== undefined && !pattern.test(value))) {
    const shape = pattern ? ` matching ${pattern}` : '';
    throw new LoginByCallOptionError(
      option,
      `Option "${option}" is ${describe(value)}: pass a string${shape} or leave it out.`,
    );
  }
  return value;
}

/** Describes a value briefly for error messages, never printing a whole object. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}
