import type { AccountStore } from './account-store.js';
import type { CallStore } from './call-store.js';
import type { EmulatorConfig } from './options.js';
import type { PaySessions } from './pay-sessions.js';

/** The state and settings that method handlers work on. */
export interface MethodContext {
  readonly config: EmulatorConfig;
  readonly accounts: AccountStore;
  readonly calls: CallStore;
  readonly payments: PaySessions;
  /** 1 when calls are expected to work, 0 when the service reports trouble. */
  serverStatus: 0 | 1;
}

/** One API request after parsing. */
export interface MethodInput {
  readonly params: ReadonlyMap<string, string>;
  /** The `Signature` header, when present. */
  readonly signatureHeader: string | undefined;
  /** Origin and mount path that the request reached the emulator at, for links such as the payment page. */
  readonly baseUrl: string;
  readonly now: number;
}

/** A successful response body. */
export type MethodResult = Record<string, unknown>;
