import { StoreUnavailableError } from './types.js';

/** Raised at construction when a store option is missing or out of range. */
export class StoreOptionError extends TypeError {
  readonly code = 'ERR_STORE_INVALID_OPTION';

  constructor(message: string) {
    super(message);
    this.name = 'StoreOptionError';
  }
}

/** Raised when a store method receives an invalid session key or pending call. */
export class StoreArgumentError extends TypeError {
  readonly code = 'ERR_STORE_INVALID_ARGUMENT';

  constructor(message: string) {
    super(message);
    this.name = 'StoreArgumentError';
  }
}

/**
 * Checks whether an error means the store could not be reached or did not reply in time, so the
 * request may succeed later (HTTP 503). Matches by `code` as well as by class, so it also works
 * when two copies of this package are loaded.
 */
export function isStoreUnavailable(error: unknown): error is StoreUnavailableError {
  if (error instanceof StoreUnavailableError) return true;
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === 'ERR_STORE_UNAVAILABLE'
  );
}

/** Raised when a stored record cannot be read back, for example after a manual edit in Redis. */
export class StoreDataError extends Error {
  readonly code = 'ERR_STORE_INVALID_DATA';

  constructor(message: string) {
    super(message);
    this.name = 'StoreDataError';
  }
}
