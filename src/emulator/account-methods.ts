import { defaultVerifyUrl, MAX_ACCOUNTS } from './account-store.js';
import { ApiError } from './api-error.js';
import {
  checkAmount,
  checkDomain,
  checkEmail,
  checkLocale,
  checkNotifyLimit,
  checkOptionalUrl,
  checkPhone,
  checkVerifyUrl,
} from './arg-checks.js';
import type { Caller } from './authenticate.js';
import { fetchVerifyFile } from './domain-check.js';
import { escapeHtml } from './html.js';
import type { MethodContext, MethodInput, MethodResult } from './method-context.js';

/** Default balance_notify_limit of `register`, in credits (1 USD). */
const DEFAULT_NOTIFY_LIMIT = 10_000;

/** Registrations of one domain allowed within 24 hours before TOO_MANY_ACCOUNTS_REGISTERED. */
export const MAX_REGISTRATIONS_PER_DAY = 5;

/**
 * `register`: creates an inactive account, or issues new pending keys for a domain that exists,
 * keeping its balance and settings as the later revision describes. The real service e-mails
 * the API key. The emulator writes it to its logger, where a developer running it can read it.
 */
export function register(context: MethodContext, input: MethodInput): MethodResult {
  const { params, now } = input;
  const domain = checkDomain(params.get('domain') ?? '');
  const adminEmail = checkEmail('admin_email', params.get('admin_email') ?? '');
  const adminPhone = checkPhone(params.get('admin_phone'));
  const verifyUrl = checkVerifyUrl(params.get('verify_url'), domain);
  const balanceNotifyLimit = checkNotifyLimit(
    params.get('balance_notify_limit'),
    DEFAULT_NOTIFY_LIMIT,
  );

  // NOTE: ACCOUNT_ALREADY_REGISTERED of the English revision is never returned, because the
  // later revision issues new keys for a registered domain instead.
  const existing = context.accounts.findByDomain(domain);
  let credential;
  if (existing === undefined) {
    if (context.accounts.accountCount() >= MAX_ACCOUNTS) {
      throw new ApiError(
        'TOO_MANY_ACCOUNTS_REGISTERED',
        `The emulator keeps at most ${MAX_ACCOUNTS} accounts: wait until accounts never activated expire after 24 hours, or restart it`,
      );
    }
    const settings = { domain, adminEmail, adminPhone, verifyUrl, balanceNotifyLimit };
    credential = context.accounts.register(settings, now).credential;
  } else {
    const dayAgo = now - 24 * 60 * 60 * 1000;
    if (existing.registrations.filter((at) => at > dayAgo).length >= MAX_REGISTRATIONS_PER_DAY) {
      throw new ApiError(
        'TOO_MANY_ACCOUNTS_REGISTERED',
        `Domain ${domain} was registered ${MAX_REGISTRATIONS_PER_DAY} times within 24 hours: wait a day`,
      );
    }
    existing.registrations.push(now);
    credential = context.accounts.issueCredential(existing, verifyUrl, now);
  }

  context.config.logger.info(
    {
      domain,
      callApiId: credential.callApiId,
      apiKey: credential.apiKey,
      verifyUrl: credential.verifyUrl,
    },
    'Registered account keys; the real service e-mails this API key to admin_email',
  );
  return { call_api_id: credential.callApiId, verify_url: credential.verifyUrl };
}

/** `status`: whether the keys are activated, the account blocked, unsigned calls allowed. */
export function status(context: MethodContext, input: MethodInput): MethodResult {
  const callApiId = input.params.get('call-api-id') ?? '';
  const caller = context.accounts.find(callApiId);
  if (caller === undefined) throw new ApiError('INVALID_ACCOUNT', `Unknown user ${callApiId}`);
  const { account, credential } = caller;
  return {
    activated: account.activated && credential.state === 'active' ? 1 : 0,
    blocked: account.blocked !== null || credential.state === 'outdated' ? 1 : 0,
    allow_unsecure_calls: account.allowUnsigned ? 1 : 0,
  };
}

export function serverStatus(context: MethodContext): MethodResult {
  return { server_status: context.serverStatus };
}

/** `options`: sets balance_notify_limit when given and returns an empty object. */
export function options(_context: MethodContext, input: MethodInput, caller: Caller): MethodResult {
  const limit = input.params.get('balance_notify_limit');
  caller.account.balanceNotifyLimit = checkNotifyLimit(limit, caller.account.balanceNotifyLimit);
  return {};
}

/** `balance`: payments and charges in credits, and the last five payments with UNIX times. */
export function balance(
  _context: MethodContext,
  _input: MethodInput,
  { account }: Caller,
): MethodResult {
  return {
    balance: account.paid,
    consumed: account.consumed,
    balance_notify_limit: account.balanceNotifyLimit,
    last_payments: account.payments.map((payment) => ({
      value: payment.value,
      created: Math.floor(payment.created / 1000),
    })),
  };
}

/**
 * `pay`: opens a payment on the emulator's own page `/emulator/pay`, where submitting the form
 * credits the balance. Without `locale` the response has the English revision's shape: `url`,
 * `query` and `method`. With `locale` it is the later revision's ready `html` form, because that
 * revision is the one that documents `locale` values.
 */
export function pay(context: MethodContext, input: MethodInput, { account }: Caller): MethodResult {
  const { params, now } = input;
  const amount = checkAmount(params.get('amount') ?? '');
  const locale = checkLocale(params.get('locale'));
  const session = context.payments.open({
    accountKey: account.key,
    amount,
    successUrl: checkOptionalUrl('success_url', params.get('success_url')),
    failUrl: checkOptionalUrl('fail_url', params.get('fail_url')),
    returnUrl: checkOptionalUrl('return_url', params.get('return_url')),
    createdAt: now,
  });

  const url = `${input.baseUrl}/emulator/pay`;
  const query = {
    payment_id: session.paymentId,
    amount: String(amount),
    amount_usd: (amount / 10_000).toFixed(2),
    currency: 'USD',
    domain: account.domain,
  };
  if (locale === undefined) return { url, query, method: 'POST' };

  const fields = Object.entries(query)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('');
  const label = locale === 'ru' ? 'Оплатить' : 'Pay';
  const html = `<form method="post" action="${escapeHtml(url)}">${fields}<button type="submit" class="lbc-payment-button">${label}</button></form>`;
  return { html };
}

/**
 * `change_credential`: issues a new pending key pair and returns its call-api-id. The old keys
 * keep working until the new ones are confirmed. The key goes to the logger in place of e-mail.
 */
export function changeCredential(
  context: MethodContext,
  input: MethodInput,
  { account }: Caller,
): MethodResult {
  account.adminEmail = checkEmail('admin_email', input.params.get('admin_email') ?? '');
  account.adminPhone = checkPhone(input.params.get('admin_phone')) ?? account.adminPhone;

  // A custom verify_url stays; the default one is named after each key pair's own id.
  const usesDefaultUrl = account.credentials.some(
    (each) =>
      each.verifyUrl === account.verifyUrl &&
      each.verifyUrl === defaultVerifyUrl(account.domain, each.callApiId),
  );
  const verifyUrl = usesDefaultUrl ? null : account.verifyUrl;
  const credential = context.accounts.issueCredential(account, verifyUrl, input.now);
  context.config.logger.info(
    {
      domain: account.domain,
      callApiId: credential.callApiId,
      apiKey: credential.apiKey,
      verifyUrl: credential.verifyUrl,
    },
    'Issued new account keys; the real service e-mails this API key to admin_email',
  );
  return { call_api_id: credential.callApiId };
}

/**
 * `credential_confirm`: fetches the key pair's verify_url by HTTP GET and activates the keys
 * (and the account) when the file contains the call-api-id. Confirmed keys outdate the
 * account's older keys.
 */
export async function credentialConfirm(
  context: MethodContext,
  _input: MethodInput,
  caller: Caller,
): Promise<MethodResult> {
  const { account, credential } = caller;
  if (credential.state === 'active' && account.activated) return {};

  const fetched = await fetchVerifyFile(credential.verifyUrl);
  if (!fetched.ok) throw new ApiError('INVALID_ACCOUNT_VERIFY_RESPONSE', fetched.reason);
  if (!fetched.body.includes(credential.callApiId)) {
    throw new ApiError(
      'INVALID_ACCOUNT_VERIFY_KEY',
      `The file at ${credential.verifyUrl} does not contain the call-api-id ${credential.callApiId}`,
    );
  }
  context.accounts.confirm(account, credential);
  context.config.logger.info(
    { domain: account.domain, callApiId: credential.callApiId },
    'Activated account keys',
  );
  return {};
}
