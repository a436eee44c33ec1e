import type { Cluster, Redis } from 'ioredis';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { StoreUnavailableError } from './types.js';

/** The clients a Redis store accepts: a single node or a Cluster, from ioredis 5. */
export type RedisStoreClient = Redis | Cluster;

/**
 * Reply errors that mean Redis is temporarily unable to serve, rather than that the command
 * is wrong: loading a dump, a cluster without quorum, a replica promoted mid-failover.
 */
const TRANSIENT_REPLY = /^(LOADING|BUSY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|READONLY)\b/;

/**
 * Bounds how long a store operation may wait for Redis. ioredis queues commands while it is
 * disconnected and sends them after it reconnects, so without a bound an operation would hang
 * during an outage and then write late. The guard instead waits at most `timeoutMs` for the
 * connection to be ready, sends the command only if it is, and rejects with
 * StoreUnavailableError when the time is up.
 */
export class RedisAvailabilityGuard {
  private readyWaiter: Promise<void> | undefined;
  private readonly onReady: () => void;
  private readonly onEnd: () => void;
  private settleWaiter: ((error?: StoreUnavailableError) => void) | undefined;

  constructor(
    private readonly client: RedisStoreClient,
    private readonly timeoutMs: number,
    private readonly owner: string,
  ) {
    this.onReady = () => this.settle();
    this.onEnd = () => this.settle(this.closedError());
  }

  /**
   * Runs `command` once the client is ready, or rejects within `timeoutMs` with
   * StoreUnavailableError.
   */
  async run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        const status = this.client.status;
        const cause = status === 'ready' ? 'Redis did not reply' : 'Redis was not connected';
        reject(
          new StoreUnavailableError(
            `${this.owner}.${operation} timed out after ${this.timeoutMs} ms: ${cause} (client status: ${status}). Check that Redis is running and reachable.`,
          ),
        );
      }, this.timeoutMs);
    });

    const attempt = this.whenReady().then(() => {
      // A command sent after the deadline would change data that the caller believes untouched.
      if (timedOut) throw new StoreUnavailableError(`${this.owner}.${operation} timed out`);
      return command();
    });
    attempt.catch(() => undefined);

    try {
      return await Promise.race([attempt, timeout]);
    } catch (error) {
      throw this.classify(operation, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops waiting for the client; pending operations still end at their timeout. */
  detach(): void {
    this.client.off('ready', this.onReady);
    this.client.off('end', this.onEnd);
    this.readyWaiter = undefined;
    this.settleWaiter = undefined;
  }

  private whenReady(): Promise<void> {
    const status = this.client.status;
    if (status === 'ready') return Promise.resolve();
    if (status === 'end') return Promise.reject(this.closedError());
    // A client created with lazyConnect connects on its first command, which the guard holds back.
    if (status === 'wait') this.client.connect().catch(() => undefined);

    // One pair of listeners per outage however many operations wait, so listeners do not pile up.
    this.readyWaiter ??= new Promise<void>((resolve, reject) => {
      this.settleWaiter = (error) => (error ? reject(error) : resolve());
      this.client.once('ready', this.onReady);
      this.client.once('end', this.onEnd);
    });
    return this.readyWaiter;
  }

  /** Ends the current wait: resolved when the client became ready, rejected when it ended. */
  private settle(error?: StoreUnavailableError): void {
    const settleWaiter = this.settleWaiter;
    this.client.off('ready', this.onReady);
    this.client.off('end', this.onEnd);
    this.readyWaiter = undefined;
    this.settleWaiter = undefined;
    settleWaiter?.(error);
  }

  private closedError(): StoreUnavailableError {
    return new StoreUnavailableError(
      `${this.owner}: the Redis client was closed by quit() or disconnect(). Pass an open client to the store.`,
    );
  }

  /**
   * Maps failures caused by the connection to StoreUnavailableError. A limiter refusal
   * (RateLimiterRes) and a reply error that means a wrong command stay as they are, because
   * retrying later would not help.
   */
  private classify(operation: string, error: unknown): unknown {
    if (error instanceof StoreUnavailableError) return error;
    if (error instanceof RateLimiterRes) return error;

    const message = error instanceof Error ? error.message : String(error);
    const isReplyError = error instanceof Error && error.name === 'ReplyError';
    if (isReplyError && !TRANSIENT_REPLY.test(message)) return error;

    return new StoreUnavailableError(
      `${this.owner}.${operation} failed because Redis is unavailable: ${message}`,
      { cause: error },
    );
  }
}

/** Runs a script by EVALSHA, and by EVAL only when this Redis node has not cached it yet. */
export async function runScript(
  client: RedisStoreClient,
  script: { lua: string; sha: string },
  key: string,
  args: Array<string | number>,
): Promise<unknown> {
  try {
    return await client.evalsha(script.sha, 1, key, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return client.eval(script.lua, 1, key, ...args);
  }
}
