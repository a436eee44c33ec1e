/**
 * The LoginByCall v2.0 wire protocol as data: method names, parameters, which methods are
 * signed and in which order their parameters enter the signature.
 *
 * The client and the emulator both read this description and nothing else of each other, so a
 * mistake in one side's encoder or signer shows up as a failure against the other side.
 * Sources: the English v2.0 reference and the later Russian revision of the same reference,
 * which adds `server-status`, `change_credential` and `credential_confirm`.
 */

/** Every method name exactly as it appears in the URL path `/callapi/v2.0/<method>`. */
export const METHOD_NAMES = [
  'register',
  'status',
  'server-status',
  'options',
  'balance',
  'pay',
  'change_credential',
  'credential_confirm',
  'call',
  'call-status',
  'call-hangup',
] as const;

export type MethodName = (typeof METHOD_NAMES)[number];

/**
 * How a method is authenticated.
 * - `none`: never signed; signature parameters are not sent.
 * - `account`: signed unless the account is allowed unsigned calls by the service administrator.
 * - `always`: signed even for accounts allowed unsigned calls.
 */
export type SigningMode = 'none' | 'account' | 'always';

export interface MethodSpec {
  readonly name: MethodName;
  readonly signing: SigningMode;
  /**
   * Parameter names in the order they enter the signature: `call-api-id`, `timestamp`, `nonce`,
   * then the method's own. Empty for methods that are never signed.
   */
  readonly signOrder: readonly string[];
  /** Every parameter the method accepts, in documented order, signature parameters excluded. */
  readonly parameters: readonly string[];
  /** Parameters that the service rejects with `INVALID_ARGS` when missing or empty. */
  readonly required: readonly string[];
  /** Parameters sent but never signed (documented for `pay` only). */
  readonly unsigned: readonly string[];
  /** Whether a repeated request has no effect beyond the first, so a client may retry it. */
  readonly readOnly: boolean;
}

const SIGN_PREFIX = ['call-api-id', 'timestamp', 'nonce'] as const;

function spec(
  name: MethodName,
  signing: SigningMode,
  own: { params?: string[]; required?: string[]; unsigned?: string[]; readOnly?: boolean },
): MethodSpec {
  const ownParams = own.params ?? [];
  const signOrder = signing === 'none' ? [] : [...SIGN_PREFIX, ...ownParams];
  const parameters = signing === 'none' ? ownParams : ['call-api-id', ...ownParams];
  return {
    name,
    signing,
    signOrder,
    parameters: [...parameters, ...(own.unsigned ?? [])],
    required: own.required ?? [],
    unsigned: own.unsigned ?? [],
    readOnly: own.readOnly ?? false,
  };
}

/** The method table. Signed methods also take `call-api-id`, `timestamp` and `nonce` before `params`. */
export const METHODS: Readonly<Record<MethodName, MethodSpec>> = {
  register: spec('register', 'none', {
    params: ['domain', 'admin_email', 'admin_phone', 'verify_url', 'balance_notify_limit'],
    required: ['domain', 'admin_email'],
  }),
  status: spec('status', 'none', {
    params: ['call-api-id'],
    required: ['call-api-id'],
    readOnly: true,
  }),
  'server-status': spec('server-status', 'none', { readOnly: true }),
  options: spec('options', 'account', {
    params: ['balance_notify_limit'],
    required: ['call-api-id'],
  }),
  balance: spec('balance', 'account', { required: ['call-api-id'], readOnly: true }),
  pay: spec('pay', 'account', {
    params: ['amount'],
    required: ['call-api-id', 'amount'],
    unsigned: ['locale', 'success_url', 'fail_url', 'return_url'],
  }),
  // NOTE: the later revision does not give a signing order for change_credential; the
  // parameters follow the common prefix in the order the revision lists them.
  change_credential: spec('change_credential', 'always', {
    params: ['admin_email', 'admin_phone'],
    required: ['call-api-id', 'admin_email'],
  }),
  credential_confirm: spec('credential_confirm', 'always', { required: ['call-api-id'] }),
  call: spec('call', 'account', {
    params: ['msisdn', 'ip_address'],
    required: ['call-api-id', 'msisdn'],
  }),
  'call-status': spec('call-status', 'account', {
    params: ['call'],
    required: ['call-api-id', 'call'],
    readOnly: true,
  }),
  'call-hangup': spec('call-hangup', 'account', {
    params: ['call'],
    required: ['call-api-id', 'call'],
  }),
};

export function isMethodName(value: string): value is MethodName {
  return Object.prototype.hasOwnProperty.call(METHODS, value);
}

/** Path prefix of every method: `https://internal.loginbycall.net/callapi/v2.0/<method>`. */
export const API_PATH_PREFIX = '/callapi/v2.0/';

/** The production service address documented by the reference. */
export const DEFAULT_API_URL = 'https://internal.loginbycall.net/callapi/v2.0/';

/** Maximum distance between `timestamp` and the server clock, in seconds (24 hours). */
export const TIMESTAMP_WINDOW_SECONDS = 24 * 60 * 60;

/** Credits per US dollar: balances and amounts are in 1/10,000 USD. */
export const CREDITS_PER_USD = 10_000;
