/**
 * The logger that the package writes operator-facing messages to. Its shape matches pino and
 * similar loggers: an object of fields first, then a message. Fields never carry an API key, a
 * signature, code digits or a full phone number.
 */
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Tells whether a value has the `info`, `warn` and `error` methods of a Logger. */
export function isLogger(value: unknown): value is Logger {
  const logger = value as Partial<Logger> | null;
  return (
    typeof logger === 'object' &&
    logger !== null &&
    typeof logger.info === 'function' &&
    typeof logger.warn === 'function' &&
    typeof logger.error === 'function'
  );
}

/** Writes nothing. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Writes one line per message to the console: the message, then the fields as JSON. */
export const consoleLogger: Logger = {
  info: (fields, message) => console.info(`${message} ${JSON.stringify(fields)}`),
  warn: (fields, message) => console.warn(`${message} ${JSON.stringify(fields)}`),
  error: (fields, message) => console.error(`${message} ${JSON.stringify(fields)}`),
};

/**
 * Masks a phone number for logs and events: keeps the first four and the last two digits,
 * so `+79990000001` becomes `+7999*****01`. Works with or without the leading `+`.
 */
export function maskPhone(phone: string): string {
  const plus = phone.startsWith('+') ? '+' : '';
  const digits = phone.slice(plus.length);
  if (digits.length <= 6) return `${plus}${'*'.repeat(digits.length)}`;
  return `${plus}${digits.slice(0, 4)}${'*'.repeat(digits.length - 6)}${digits.slice(-2)}`;
}
