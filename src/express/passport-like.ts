import type { IncomingMessage, ServerResponse } from 'node:http';

/** Callback of Passport's `authenticate(name, callback)`, with its arguments for one strategy. */
export type AuthenticateCallback = (
  error: unknown,
  user: unknown,
  info?: unknown,
  status?: number,
) => void;

/**
 * The part of a Passport `Authenticator` the router uses, so that apps may pass their own
 * `new Passport()` instance instead of the package's default one.
 */
export interface PassportLike {
  authenticate(
    strategy: string,
    callback: AuthenticateCallback,
  ): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => unknown;
}
