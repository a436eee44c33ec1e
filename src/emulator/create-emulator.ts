import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { AccountStore, toEmulatorAccount } from './account-store.js';
import { respondToApi, respondToClientError } from './api-responder.js';
import { CallStore } from './call-store.js';
import { checkDomains } from './domain-check-job.js';
import { respondToEmulatorRoute, sendJson } from './emulator-routes.js';
import { FaultTable } from './faults.js';
import type { MethodContext } from './method-context.js';
import { EmulatorOptionError } from './option-error.js';
import { resolveEmulatorOptions, type EmulatorOptions } from './options.js';
import { PaySessions } from './pay-sessions.js';
import { splitApiUrl } from './request-params.js';
import type {
  BlockReason,
  EmulatorAccount,
  EmulatorCall,
  EmulatorFault,
  FaultTarget,
} from './types.js';

/** Domain of the development account that the emulator creates at start. */
export const DEVELOPMENT_DOMAIN = 'emulator.localhost';

/** Minimum interval between prunings of old state, in ms of the emulator's clock. Requests trigger them. */
const PRUNE_INTERVAL_MS = 60_000;

/** A running LoginByCall emulator. */
export interface Emulator {
  /**
   * Request handler serving `/callapi/v2.0/*` and `/emulator/*`, mountable with
   * `app.use(emulator.handler)` in Express 4 and 5. Other paths go to `next` when given and get
   * a 404 otherwise.
   */
  readonly handler: (
    req: IncomingMessage,
    res: ServerResponse,
    next?: (err?: unknown) => void,
  ) => void;
  /**
   * Starts an HTTP server with the handler. Port defaults to 0 (any free port), host to
   * 127.0.0.1. Resolves with the origin (`http://127.0.0.1:PORT`) and the API URL
   * (origin + `/callapi/v2.0/`).
   */
  listen(options?: { port?: number; host?: string }): Promise<{ url: string; apiUrl: string }>;
  /** Stops the server, if any, closing open connections, and stops the periodic domain check. */
  close(): Promise<void>;
  /** Keys of the development account. */
  readonly account: { callApiId: string; apiKey: string };
  /** Calls at the emulator's current time, newest first. */
  calls(filter?: { msisdn?: string }): EmulatorCall[];
  /** Sets or, with null, removes the fault of one method or of every method (`*`). */
  setFault(method: FaultTarget, fault: EmulatorFault | null): void;
  /** Removes every fault. */
  clearFaults(): void;
  /** Every account with its keys, the development account included. */
  accounts(): EmulatorAccount[];
  /** Makes the account of this call-api-id return ACCOUNT_BLOCKED (`suspended`) or ACCOUNT_BLOCKED_ADMIN (`admin`). */
  blockAccount(callApiId: string, reason?: BlockReason): void;
  unblockAccount(callApiId: string): void;
  /** Lets the account of this call-api-id call `account`-signed methods without a signature. */
  setAllowUnsigned(callApiId: string, allow: boolean): void;
  /** Adds credits to the account of this call-api-id, as a payment. */
  credit(callApiId: string, credits: number): void;
  /** Sets what `server-status` returns: 1 when calls should work, 0 when they will probably fail. */
  setServerStatus(status: 0 | 1): void;
  /** Runs the periodic domain check now for accounts that are not activated. */
  checkDomains(): Promise<void>;
  /** Sizes of the state that pruning bounds, for tests and monitoring. */
  stats(): { calls: number; nonces: number; accounts: number };
}

/** Creates an emulator with one active development account. Throws EmulatorOptionError for a bad option. */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const config = resolveEmulatorOptions(options);
  const accounts = new AccountStore();
  const development = accounts.addActive(
    { callApiId: config.callApiId, apiKey: config.apiKey },
    {
      domain: DEVELOPMENT_DOMAIN,
      adminEmail: `admin@${DEVELOPMENT_DOMAIN}`,
      adminPhone: null,
      verifyUrl: null,
      balanceNotifyLimit: 10_000,
      balance: config.balance,
      allowUnsigned: config.allowUnsigned,
    },
    config.clock.now(),
  );

  const context: MethodContext = {
    config,
    accounts,
    calls: new CallStore({
      queueMs: config.queueSeconds * 1000,
      ringMs: config.ringSeconds * 1000,
    }),
    payments: new PaySessions(),
    serverStatus: 1,
  };
  const faults = new FaultTable();
  const requestTag = randomBytes(2).toString('hex');
  let requestCount = 0;
  let lastPrune = config.clock.now();

  const prune = (now: number): void => {
    if (now - lastPrune < PRUNE_INTERVAL_MS) return;
    lastPrune = now;
    accounts.prune(now);
    context.calls.prune(now, config.repeatTimeout * 1000);
    context.payments.prune(now);
  };

  const apiDeps = {
    context,
    faults,
    logger: config.logger,
    nextRequestId: () => `${requestTag}_${++requestCount}`,
    beforeRequest: prune,
  };
  const routeDeps = {
    context,
    faults,
    developmentCallApiId: () => activeId(development.credentials) ?? config.callApiId,
  };

  const handler: Emulator['handler'] = (req, res, next) => {
    handle(req, res, next).catch((error: unknown) => {
      config.logger.error(
        { error: (error as Error).message, url: req.url },
        'Emulator request failed',
      );
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal emulator error' });
      else res.destroy();
    });
  };

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    next?: (err?: unknown) => void,
  ): Promise<void> => {
    const url = req.url ?? '/';
    const baseUrl = baseUrlOf(req);
    const api = splitApiUrl(url);
    if (api !== undefined) {
      await respondToApi(apiDeps, req, res, { ...api, baseUrl });
      return;
    }
    const queryStart = url.indexOf('?');
    const pathname = queryStart === -1 ? url : url.slice(0, queryStart);
    const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
    if (pathname === '/emulator' || pathname.startsWith('/emulator/')) {
      if (await respondToEmulatorRoute(routeDeps, req, res, { pathname, query, baseUrl })) return;
    }
    if (next !== undefined) next();
    else
      sendJson(res, 404, {
        error: `Not found: ${pathname}. The emulator serves /callapi/v2.0/<method> and /emulator`,
      });
  };

  let server: Server | undefined;
  const timer =
    config.verifyIntervalSeconds > 0
      ? setInterval(() => void checkDomains(context), config.verifyIntervalSeconds * 1000).unref()
      : undefined;

  const findAccount = (callApiId: string) => {
    const found = accounts.find(callApiId);
    if (found === undefined) {
      throw new EmulatorOptionError(
        'callApiId',
        callApiId,
        'pass the call-api-id of an existing account, see accounts()',
      );
    }
    return found.account;
  };

  return {
    handler,
    account: { callApiId: config.callApiId, apiKey: config.apiKey },

    async listen(listenOptions = {}) {
      if (server !== undefined) {
        throw Object.assign(new Error('The emulator is already listening: call close() first'), {
          code: 'ERR_EMULATOR_LISTENING',
        });
      }

      const host = listenOptions.host ?? '127.0.0.1';
      // Node waits 300 s for a half-sent request by default; a local tool should free the
      // connection much sooner. Node checks these limits every 30 s, so the cut comes 30-60 s in.
      const started = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) =>
        handler(req, res),
      );
      started.on('clientError', respondToClientError);
      server = started;
      await new Promise<void>((resolve, reject) => {
        started.once('error', reject);
        started.listen(listenOptions.port ?? 0, host, () => {
          started.off('error', reject);
          resolve();
        });
      });
      const { port } = started.address() as AddressInfo;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      const origin = `http://${shownHost}:${port}`;
      return { url: origin, apiUrl: `${origin}/callapi/v2.0/` };
    },

    async close() {
      if (timer !== undefined) clearInterval(timer);
      const running = server;
      server = undefined;
      if (running === undefined) return;
      const closed = new Promise<void>((resolve) => running.close(() => resolve()));
      running.closeAllConnections();
      await closed;
    },

    calls(filter = {}) {
      return context.calls.list(config.clock.now(), filter.msisdn);
    },
    setFault(method, fault) {
      faults.set(method, fault);
    },
    clearFaults() {
      faults.clear();
    },
    accounts() {
      return accounts.list().map(toEmulatorAccount);
    },
    blockAccount(callApiId, reason = 'suspended') {
      if (reason !== 'suspended' && reason !== 'admin') {
        throw new EmulatorOptionError('reason', reason, "pass 'suspended' or 'admin'");
      }
      findAccount(callApiId).blocked = reason;
    },
    unblockAccount(callApiId) {
      findAccount(callApiId).blocked = null;
    },
    setAllowUnsigned(callApiId, allow) {
      findAccount(callApiId).allowUnsigned = allow;
    },
    credit(callApiId, credits) {
      if (!Number.isInteger(credits) || credits <= 0) {
        throw new EmulatorOptionError(
          'credits',
          credits,
          'pass a positive integer number of credits',
        );
      }
      accounts.credit(findAccount(callApiId), credits, config.clock.now());
    },
    setServerStatus(status) {
      if (status !== 0 && status !== 1)
        throw new EmulatorOptionError('status', status, 'pass 0 or 1');
      context.serverStatus = status;
    },
    checkDomains() {
      return checkDomains(context);
    },
    stats() {
      return {
        calls: context.calls.size(),
        nonces: accounts.nonceCount(),
        accounts: accounts.accountCount(),
      };
    },
  };
}

function activeId(credentials: EmulatorAccount['credentials']): string | undefined {
  return credentials.find((credential) => credential.state === 'active')?.callApiId;
}

/**
 * Origin and mount path of the request, so links work when the handler is mounted under a
 * path of an Express app (`req.originalUrl` then contains the full path).
 */
function baseUrlOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const originalUrl = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? url;
  const mountPath = originalUrl.endsWith(url)
    ? originalUrl.slice(0, originalUrl.length - url.length)
    : '';
  const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
  const host = req.headers.host ?? '127.0.0.1';
  return `${secure ? 'https' : 'http'}://${host}${mountPath}`;
}
