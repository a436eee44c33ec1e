import type { CallStatusName } from '../protocol/index.js';

/** Arguments of `register`. */
export interface RegisterParams {
  /** Domain without protocol or path, for example `example.com`. */
  domain: string;
  /** E-mail of the administrator; the service sends the api-key there. */
  adminEmail: string;
  /** Phone of the administrator. */
  adminPhone?: string;
  /**
   * URL that must return the call-api-id as its body, on the same domain. Default (set by the
   * service): `http://<domain>/lbc-<call-api-id>.html`.
   */
  verifyUrl?: string;
  /**
   * Balance below which the administrator gets a daily e-mail, in credits (1/10,000 USD).
   * -1 turns the e-mails off. Default (set by the service): 10000, which is 1 USD.
   */
  balanceNotifyLimit?: number;
}

/** Result of `register`. */
export interface RegisterResult {
  /** The new account id. */
  callApiId: string;
  /** The URL the service fetches to check that the domain is yours. */
  verifyUrl: string;
}

/** Result of `status`. */
export interface AccountStatus {
  /** Whether the domain check passed and the account may make calls. */
  activated: boolean;
  /** Whether the account is suspended. */
  blocked: boolean;
  /** Whether the service administrator allowed unsigned requests for this account. */
  allowUnsecureCalls: boolean;
}

/** Result of `server-status`. */
export interface ServerStatus {
  /** 1 when calls should go through; 0 when they will probably fail, so offer another sign-in. */
  serverStatus: 0 | 1;
}

/** Arguments of `options`. */
export interface OptionsParams {
  /** Balance below which the administrator gets a daily e-mail, in credits; -1 turns it off. */
  balanceNotifyLimit: number;
}

/** One payment in the `balance` result. */
export interface Payment {
  /** Amount in credits (1/10,000 USD). */
  value: number;
  /** When the payment was made, in Unix seconds. */
  created: number;
}

/** Result of `balance`. All amounts are in credits (1/10,000 USD). */
export interface Balance {
  /** Sum of all payments. */
  balance: number;
  /** Sum of all charges. */
  consumed: number;
  /** Remaining balance: `balance - consumed`. */
  current: number;
  /** Balance below which the administrator gets a daily e-mail; -1 when that is off. */
  balanceNotifyLimit: number;
  /** The last payments, at most five, as the service sends them. */
  lastPayments: Payment[];
}

/** Arguments of `pay`. */
export interface PayParams {
  /** Amount to add, in credits (1/10,000 USD): 50000 is 5 USD. */
  amount: number;
  /** Language of the payment page: `en` or `ru`. */
  locale?: string;
  /** URL the payment page redirects to after a successful payment. */
  successUrl?: string;
  /** URL the payment page redirects to after a failed payment. */
  failUrl?: string;
  /** URL the payment page redirects to when the payer cancels. */
  returnUrl?: string;
}

/** `pay` result of the English revision: the fields of a form to submit to a payment system. */
export interface PayRedirect {
  kind: 'redirect';
  /** The payment system's form action. */
  url: string;
  /** Hidden fields of the form. */
  query: Record<string, string>;
  /** HTTP method of the form. */
  method: 'GET' | 'POST';
}

/** `pay` result of the later revision: a ready form (submit button class `lbc-payment-button`). */
export interface PayHtml {
  kind: 'html';
  /** HTML of the form, as the service sends it. */
  html: string;
}

/** Result of `pay`, in either revision's shape. */
export type PayResult = PayRedirect | PayHtml;

/** Arguments of `change_credential`. */
export interface ChangeCredentialParams {
  /** E-mail of the administrator; the service sends the new api-key there. */
  adminEmail: string;
  /** Phone of the administrator. */
  adminPhone?: string;
}

/** Result of `change_credential`. */
export interface ChangeCredentialResult {
  /** The new account id, valid once `credential_confirm` succeeds. */
  callApiId: string;
}

/** Arguments of `call`. */
export interface CallParams {
  /** Phone to call in E.164 without `+`, for example `79990000001`. */
  msisdn: string;
  /** IP address of the user; the service uses it for the repeat timeout. */
  ipAddress?: string;
}

/** Result of `call`: the call is queued. */
export interface CallResult {
  /** Call id for `call-status` and `call-hangup`. */
  callId: string;
  /** The number the call comes from; its last `codeLength` digits are the code. */
  mask: string;
  /** How many trailing digits of `mask` the user must type. */
  codeLength: number;
  /** Seconds before the same number and IP may be called again. */
  repeatTimeout: number;
}

/** Result of `call-status`. */
export interface CallStatus {
  /** Status name, or `unknown` for a code the reference does not list. */
  status: CallStatusName | 'unknown';
  /** The numeric status as sent: 1, 2, 4, 8, 16 or 32. */
  statusCode: number;
  /** The service's `status_desc` text. */
  description: string;
  /** The service's `last_error` text; null unless the call failed. */
  lastError: string | null;
}
