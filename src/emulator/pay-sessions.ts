import { randomToken } from './options.js';

/** How long a payment form stays valid, in ms (1 hour). */
export const PAYMENT_LIFETIME_MS = 60 * 60 * 1000;

/** Most open payment forms kept at once; past it the oldest are forgotten first. */
const MAX_PAYMENTS = 1_000;

/** A payment form issued by `pay` and not yet submitted on the emulator's payment page. */
export interface PaySession {
  readonly paymentId: string;
  readonly accountKey: number;
  /** Credits. */
  readonly amount: number;
  readonly successUrl: string | null;
  readonly failUrl: string | null;
  readonly returnUrl: string | null;
  readonly createdAt: number;
}

export class PaySessions {
  private readonly sessions = new Map<string, PaySession>();

  open(session: Omit<PaySession, 'paymentId'>): PaySession {
    const opened: PaySession = { ...session, paymentId: randomToken(32) };
    this.sessions.set(opened.paymentId, opened);
    if (this.sessions.size > MAX_PAYMENTS) {
      const oldest = this.sessions.keys().next();
      if (oldest.done !== true) this.sessions.delete(oldest.value);
    }
    return opened;
  }

  /** Returns the open payment without removing it, or undefined when it is unknown or expired. */
  peek(paymentId: string, now: number): PaySession | undefined {
    const session = this.sessions.get(paymentId);
    return session === undefined || now - session.createdAt > PAYMENT_LIFETIME_MS
      ? undefined
      : session;
  }

  /** Removes and returns the open payment, or undefined when it is unknown or expired. */
  take(paymentId: string, now: number): PaySession | undefined {
    const session = this.sessions.get(paymentId);
    if (session === undefined) return undefined;
    this.sessions.delete(paymentId);
    return now - session.createdAt > PAYMENT_LIFETIME_MS ? undefined : session;
  }

  prune(now: number): void {
    for (const [paymentId, session] of this.sessions) {
      if (now - session.createdAt > PAYMENT_LIFETIME_MS) this.sessions.delete(paymentId);
    }
  }
}
