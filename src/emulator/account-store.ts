import { TIMESTAMP_WINDOW_SECONDS } from '../protocol/index.js';
import { randomToken } from './options.js';
import type { BlockReason, EmulatorAccount, EmulatorCredential } from './types.js';
import { EvictionQueue } from './eviction-queue.js';

/** How long unconfirmed keys and accounts that were never activated live, in ms (24 hours). */
export const UNCONFIRMED_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** Most nonces remembered at once; past it the oldest are forgotten first. */
export const MAX_NONCES = 200_000;

/**
 * Maximum number of accounts kept at once, the development account included. `register` is
 * unsigned, so without a cap any client could fill the memory with accounts during their 24 hours.
 */
export const MAX_ACCOUNTS = 1_000;

/**
 * Maximum pending key pairs of one account. `change_credential` may be called without end, so
 * issuing one more removes the oldest pending pair.
 */
export const MAX_PENDING_CREDENTIALS = 5;

/** How many payments `balance` lists. */
const LAST_PAYMENTS = 5;

export interface Payment {
  /** Credits. */
  value: number;
  /** ms since the epoch. */
  created: number;
}

export interface AccountRecord {
  /** Internal key that outlives key changes. */
  readonly key: number;
  domain: string;
  adminEmail: string;
  adminPhone: string | null;
  verifyUrl: string;
  balanceNotifyLimit: number;
  activated: boolean;
  blocked: BlockReason | null;
  allowUnsigned: boolean;
  paid: number;
  consumed: number;
  /** The latest payments, newest first. */
  payments: Payment[];
  credentials: EmulatorCredential[];
  /** Times of `register` calls for this domain, for the daily limit. */
  registrations: number[];
  readonly createdAt: number;
}

export interface NewAccount {
  domain: string;
  adminEmail: string;
  adminPhone: string | null;
  /** When null, the default `http://<domain>/lbc-<call-api-id>.html` is used. */
  verifyUrl: string | null;
  balanceNotifyLimit: number;
}

/** Accounts, their keys and the nonces they used. */
export class AccountStore {
  private readonly byCallApiId = new Map<string, AccountRecord>();
  private readonly byDomain = new Map<string, AccountRecord>();
  /** `<account key> <nonce>` to the ms time after which the nonce's timestamp is out of the window. */
  private readonly nonces = new Map<string, number>();
  /** Nonce keys in the order they were used, for forgetting the oldest past MAX_NONCES. */
  private readonly nonceOrder = new EvictionQueue<string>();
  private nextKey = 1;

  /** Adds an account that is active from the start with the given keys. */
  addActive(
    credential: { callApiId: string; apiKey: string },
    settings: NewAccount & { balance: number; allowUnsigned: boolean },
    now: number,
  ): AccountRecord {
    const account = this.create(settings, now);
    account.activated = true;
    account.allowUnsigned = settings.allowUnsigned;
    if (settings.balance > 0) this.credit(account, settings.balance, now);
    account.verifyUrl =
      settings.verifyUrl ?? defaultVerifyUrl(account.domain, credential.callApiId);
    this.attach(account, {
      ...credential,
      state: 'active',
      createdAt: now,
      verifyUrl: account.verifyUrl,
    });
    return account;
  }

  /** Creates an inactive account with pending keys. */
  register(
    settings: NewAccount,
    now: number,
  ): { account: AccountRecord; credential: EmulatorCredential } {
    const account = this.create(settings, now);
    const credential = this.issueCredential(account, settings.verifyUrl, now);
    account.registrations.push(now);
    return { account, credential };
  }

  findByKey(key: number): AccountRecord | undefined {
    return this.list().find((account) => account.key === key);
  }

  findByDomain(domain: string): AccountRecord | undefined {
    return this.byDomain.get(domain.toLowerCase());
  }

  find(callApiId: string): { account: AccountRecord; credential: EmulatorCredential } | undefined {
    const account = this.byCallApiId.get(callApiId);
    if (account === undefined) return undefined;
    const credential = account.credentials.find((each) => each.callApiId === callApiId);
    return credential === undefined ? undefined : { account, credential };
  }

  /**
   * Issues a pending key pair; the account's other keys keep working until it is confirmed.
   * Without a verify_url the key pair is checked at the default URL named after its own id.
   */
  issueCredential(
    account: AccountRecord,
    verifyUrl: string | null,
    now: number,
  ): EmulatorCredential {
    const callApiId = randomToken();
    const credential: EmulatorCredential = {
      callApiId,
      apiKey: randomToken(),
      state: 'pending',
      createdAt: now,
      verifyUrl: verifyUrl ?? defaultVerifyUrl(account.domain, callApiId),
    };
    account.verifyUrl = credential.verifyUrl;
    this.attach(account, credential);

    const pending = account.credentials.filter((each) => each.state === 'pending');
    for (const forgotten of pending.slice(0, -MAX_PENDING_CREDENTIALS)) {
      this.byCallApiId.delete(forgotten.callApiId);
      account.credentials = account.credentials.filter((each) => each !== forgotten);
    }
    return credential;
  }

  /** Activates the account and the key pair, and outdates every other key pair of the account. */
  confirm(account: AccountRecord, credential: EmulatorCredential): void {
    account.activated = true;
    for (const each of account.credentials) {
      if (each === credential) each.state = 'active';
      else if (each.state === 'active') each.state = 'outdated';
    }
  }

  credit(account: AccountRecord, value: number, now: number): void {
    account.paid += value;
    account.payments.unshift({ value, created: now });
    account.payments.length = Math.min(account.payments.length, LAST_PAYMENTS);
  }

  /**
   * Records a nonce of a signed request whose timestamp (ms) is inside the window. Returns false
   * when the account already used that nonce and the earlier request could still be replayed.
   */
  useNonce(account: AccountRecord, nonce: string, timestampMs: number): boolean {
    const key = `${account.key} ${nonce}`;
    if (this.nonces.has(key)) return false;
    this.nonces.set(key, timestampMs + TIMESTAMP_WINDOW_SECONDS * 1000);
    this.nonceOrder.push(key);
    // NOTE: past MAX_NONCES the oldest nonces are forgotten and could be replayed within 24 h;
    // the cap keeps memory bounded under a load test.
    if (this.nonces.size > MAX_NONCES) this.nonceOrder.evictOldest(this.nonces);
    return true;
  }

  /** Forgets expired nonces, unconfirmed keys and accounts never activated, all older than 24 h. */
  prune(now: number): void {
    for (const [key, expiresAt] of this.nonces) {
      if (expiresAt < now) this.nonces.delete(key);
    }
    this.nonceOrder.reset(this.nonces);
    for (const account of new Set(this.byCallApiId.values())) {
      const expired = (credential: EmulatorCredential): boolean =>
        credential.state === 'pending' && now - credential.createdAt > UNCONFIRMED_LIFETIME_MS;
      if (!account.activated && now - account.createdAt > UNCONFIRMED_LIFETIME_MS) {
        this.remove(account);
        continue;
      }
      for (const credential of account.credentials.filter(expired)) {
        this.byCallApiId.delete(credential.callApiId);
      }
      account.credentials = account.credentials.filter((credential) => !expired(credential));
      account.registrations = account.registrations.filter(
        (at) => now - at <= UNCONFIRMED_LIFETIME_MS,
      );
    }
  }

  accountCount(): number {
    return this.byDomain.size;
  }

  nonceCount(): number {
    return this.nonces.size;
  }

  list(): AccountRecord[] {
    return [...this.byDomain.values()];
  }

  private create(settings: NewAccount, now: number): AccountRecord {
    const account: AccountRecord = {
      key: this.nextKey++,
      domain: settings.domain.toLowerCase(),
      adminEmail: settings.adminEmail,
      adminPhone: settings.adminPhone,
      verifyUrl: settings.verifyUrl ?? '',
      balanceNotifyLimit: settings.balanceNotifyLimit,
      activated: false,
      blocked: null,
      allowUnsigned: false,
      paid: 0,
      consumed: 0,
      payments: [],
      credentials: [],
      registrations: [],
      createdAt: now,
    };
    this.byDomain.set(account.domain, account);
    return account;
  }

  private attach(account: AccountRecord, credential: EmulatorCredential): void {
    account.credentials.push(credential);
    this.byCallApiId.set(credential.callApiId, account);
  }

  private remove(account: AccountRecord): void {
    for (const credential of account.credentials) this.byCallApiId.delete(credential.callApiId);
    if (this.byDomain.get(account.domain) === account) this.byDomain.delete(account.domain);
  }
}

/** Builds the verify_url that the service uses when `register` gets none. */
export function defaultVerifyUrl(domain: string, callApiId: string): string {
  return `http://${domain}/lbc-${callApiId}.html`;
}

/** Copies the account for callers outside the emulator. */
export function toEmulatorAccount(account: AccountRecord): EmulatorAccount {
  return {
    domain: account.domain,
    adminEmail: account.adminEmail,
    adminPhone: account.adminPhone,
    verifyUrl: account.verifyUrl,
    balanceNotifyLimit: account.balanceNotifyLimit,
    activated: account.activated,
    blocked: account.blocked,
    allowUnsigned: account.allowUnsigned,
    paid: account.paid,
    consumed: account.consumed,
    credentials: account.credentials.map((credential) => ({ ...credential })),
    createdAt: account.createdAt,
  };
}
