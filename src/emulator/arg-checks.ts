import { isIP } from 'node:net';
import { ApiError } from './api-error.js';

/** E.164 digits without `+`: a country code that does not start with 0, 8 to 15 digits in all. */
const MSISDN = /^[1-9]\d{7,14}$/;

/** A host name or IPv4 address, optionally with a port, without protocol or path. */
const DOMAIN =
  /^(?=.{1,253}(?::\d{1,5})?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$/i;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Optional `+`, then 8 to 15 digits. */
const PHONE = /^\+?\d{8,15}$/;

export function checkMsisdn(value: string): string {
  if (!MSISDN.test(value)) {
    // Only the length: clients pass the reason on into errors that apps log.
    throw new ApiError(
      'INVALID_ARGS',
      `Invalid msisdn of ${value.length} characters: send 8 to 15 digits in E.164 without +`,
    );
  }
  return value;
}

export function checkIpAddress(value: string | undefined): string {
  if (value === undefined || value === '') return '';
  if (isIP(value) === 0)
    throw new ApiError('INVALID_ARGS', `Invalid ip_address ${value}: send an IPv4 or IPv6 address`);
  return value;
}

export function checkDomain(value: string): string {
  if (!DOMAIN.test(value)) {
    throw new ApiError(
      'INVALID_ARGS',
      `Invalid domain ${value}: send a host name such as example.com, without protocol or path`,
    );
  }
  return value.toLowerCase();
}

export function checkEmail(name: string, value: string): string {
  if (!EMAIL.test(value))
    throw new ApiError('INVALID_ARGS', `Invalid ${name} ${value}: send an e-mail address`);
  return value;
}

export function checkPhone(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  if (!PHONE.test(value))
    throw new ApiError('INVALID_ARGS', `Invalid admin_phone ${value}: send 8 to 15 digits`);
  return value;
}

/** balance_notify_limit: credits as an integer, or -1 to turn notifications off. */
export function checkNotifyLimit(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^(?:-1|\d{1,15})$/.test(value)) {
    throw new ApiError(
      'INVALID_ARGS',
      `Invalid balance_notify_limit ${value}: send credits as an integer >= 0, or -1`,
    );
  }
  return Number(value);
}

/** amount of `pay`: a positive integer number of credits, at most 10^12 (100 million USD). */
export function checkAmount(value: string): number {
  const amount = /^\d{1,13}$/.test(value) ? Number(value) : NaN;
  if (!(amount > 0 && amount <= 1e12)) {
    throw new ApiError(
      'INVALID_ARGS',
      `Invalid amount ${value}: send a positive integer number of credits`,
    );
  }
  return amount;
}

export function checkLocale(value: string | undefined): 'ru' | 'en' | undefined {
  if (value === undefined || value === '') return undefined;
  if (value !== 'ru' && value !== 'en')
    throw new ApiError('INVALID_ARGS', `Invalid locale ${value}: send ru or en`);
  return value;
}

/** Checks an optional http or https URL, such as success_url of `pay`. */
export function checkOptionalUrl(name: string, value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  if (!isHttpUrl(value))
    throw new ApiError('INVALID_ARGS', `Invalid ${name} ${value}: send an http or https URL`);
  return value;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Checks verify_url of `register`: a URL (INVALID_ARGS), http or https
 * (ACCOUNT_VERIFY_URL_PROTOCOL), on the account's domain or a subdomain of it
 * (ACCOUNT_VERIFY_URL_DOMAIN).
 */
export function checkVerifyUrl(value: string | undefined, domain: string): string | null {
  if (value === undefined || value === '') return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ApiError('INVALID_ARGS', `Invalid verify_url ${value}: send an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ApiError(
      'ACCOUNT_VERIFY_URL_PROTOCOL',
      `verify_url must use http or https, not ${url.protocol}`,
    );
  }
  const domainHost = domain.replace(/:\d+$/, '');
  const host = url.hostname.toLowerCase();
  if (host !== domainHost && !host.endsWith(`.${domainHost}`)) {
    throw new ApiError(
      'ACCOUNT_VERIFY_URL_DOMAIN',
      `verify_url host ${host} is not on the domain ${domainHost}`,
    );
  }
  return value;
}
