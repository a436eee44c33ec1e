/** Thrown by createEmulator, setFault and the account methods when an argument is invalid. */
export class EmulatorOptionError extends Error {
  /** Stable code to test for instead of the message. */
  readonly code = 'ERR_EMULATOR_OPTION';
  /** Name of the invalid option or argument. */
  readonly option: string;

  /** `secret` keeps the value out of the message, for keys. */
  constructor(option: string, value: unknown, fix: string, secret = false) {
    const shown = secret ? `a value of type ${typeof value}` : describe(value);
    super(`Invalid emulator option ${option}: ${shown}. Fix: ${fix}.`);
    this.name = 'EmulatorOptionError';
    this.option = option;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'unknown option';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
