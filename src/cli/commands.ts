import { checkMsisdn } from '../api/arguments.js';
import type { ParamValue } from '../api/signature.js';
import type { MethodName } from '../protocol/index.js';
import { integerFlag, stringFlag, type FlagSpec, type FlagValues } from './flags.js';
import {
  formatBalance,
  formatCall,
  formatCallStatus,
  formatChangeCredential,
  formatOptions,
  formatRegister,
  formatServerStatus,
  formatStatus,
} from './format.js';

/** One API subcommand of the CLI. */
export interface ApiCommand {
  method: MethodName;
  summary: string;
  /** Flags of this subcommand besides the global ones. */
  flags: Record<string, FlagSpec>;
  /** Whether the method needs a call-api-id. */
  needsAccount: boolean;
  /** Turns flag values into wire parameters, throwing UsageError for a missing or bad flag. */
  params(values: FlagValues): Record<string, ParamValue>;
  /** Human output of a successful response. `pay` has none: the CLI writes a file instead. */
  format?(body: Record<string, unknown>, values: FlagValues): string;
}

const LIMIT_FLAG: FlagSpec = {
  type: 'string',
  value: 'CREDITS',
  description: 'e-mail the administrator daily below this balance, in credits; -1 for never',
};

export const API_COMMANDS: Record<string, ApiCommand> = {
  register: {
    method: 'register',
    summary: 'register an account for a domain',
    needsAccount: false,
    flags: {
      domain: {
        type: 'string',
        value: 'DOMAIN',
        description: 'domain without protocol (required)',
      },
      'admin-email': {
        type: 'string',
        value: 'EMAIL',
        description: 'administrator e-mail; the api-key is sent there (required)',
      },
      'admin-phone': { type: 'string', value: 'PHONE', description: 'administrator phone' },
      'verify-url': {
        type: 'string',
        value: 'URL',
        description: 'URL whose body is the call-api-id (default set by the service)',
      },
      'balance-notify-limit': LIMIT_FLAG,
    },
    params: (values) => ({
      domain: stringFlag(values, 'domain', true),
      admin_email: stringFlag(values, 'admin-email', true),
      admin_phone: stringFlag(values, 'admin-phone'),
      verify_url: stringFlag(values, 'verify-url'),
      balance_notify_limit: integerFlag(values, 'balance-notify-limit', { min: -1 }),
    }),
    format: formatRegister,
  },

  status: {
    method: 'status',
    summary: 'show whether the account is activated or blocked',
    needsAccount: true,
    flags: {},
    params: () => ({}),
    format: formatStatus,
  },

  'server-status': {
    method: 'server-status',
    summary: 'show whether the service expects calls to go through',
    needsAccount: false,
    flags: {},
    params: () => ({}),
    format: formatServerStatus,
  },

  options: {
    method: 'options',
    summary: 'set the balance below which the administrator is e-mailed',
    needsAccount: true,
    flags: {
      'balance-notify-limit': {
        ...LIMIT_FLAG,
        description: `${LIMIT_FLAG.description} (required)`,
      },
    },
    params: (values) => ({
      balance_notify_limit: integerFlag(values, 'balance-notify-limit', {
        min: -1,
        required: true,
      }),
    }),
    format: (_body, values) =>
      formatOptions(integerFlag(values, 'balance-notify-limit', { min: -1, required: true })),
  },

  balance: {
    method: 'balance',
    summary: 'show payments, charges and the current balance',
    needsAccount: true,
    flags: {},
    params: () => ({}),
    format: formatBalance,
  },

  pay: {
    method: 'pay',
    summary: 'write a payment form to an HTML file',
    needsAccount: true,
    flags: {
      amount: {
        type: 'string',
        value: 'CREDITS',
        description: 'amount in credits, 10000 credits = 1 USD (required)',
      },
      locale: {
        type: 'string',
        value: 'LANG',
        description: 'language of the payment page: en or ru',
      },
      'success-url': { type: 'string', value: 'URL', description: 'where to go after a payment' },
      'fail-url': {
        type: 'string',
        value: 'URL',
        description: 'where to go after a failed payment',
      },
      'return-url': { type: 'string', value: 'URL', description: 'where to go after a cancel' },
      out: {
        type: 'string',
        value: 'FILE',
        description: 'HTML file to write (default: a new file in the temp directory)',
      },
    },
    params: (values) => ({
      amount: integerFlag(values, 'amount', { min: 1, required: true }),
      locale: stringFlag(values, 'locale'),
      success_url: stringFlag(values, 'success-url'),
      fail_url: stringFlag(values, 'fail-url'),
      return_url: stringFlag(values, 'return-url'),
    }),
  },

  'change-credential': {
    method: 'change_credential',
    summary: 'request a new call-api-id and api-key (always signed)',
    needsAccount: true,
    flags: {
      'admin-email': {
        type: 'string',
        value: 'EMAIL',
        description: 'administrator e-mail; the new api-key is sent there (required)',
      },
      'admin-phone': { type: 'string', value: 'PHONE', description: 'administrator phone' },
    },
    params: (values) => ({
      admin_email: stringFlag(values, 'admin-email', true),
      admin_phone: stringFlag(values, 'admin-phone'),
    }),
    format: formatChangeCredential,
  },

  'credential-confirm': {
    method: 'credential_confirm',
    summary: 'activate new keys after the domain check (always signed)',
    needsAccount: true,
    flags: {},
    params: () => ({}),
    format: () => 'credentials confirmed',
  },

  call: {
    method: 'call',
    summary: 'queue a flash call to a phone',
    needsAccount: true,
    flags: {
      msisdn: {
        type: 'string',
        value: 'PHONE',
        description: 'phone in E.164 without +, for example 79990000001 (required)',
      },
      'ip-address': { type: 'string', value: 'IP', description: 'IP address of the user' },
    },
    params: (values) => ({
      msisdn: checkMsisdn(stringFlag(values, 'msisdn', true)),
      ip_address: stringFlag(values, 'ip-address'),
    }),
    format: formatCall,
  },

  'call-status': {
    method: 'call-status',
    summary: 'show the status of a call',
    needsAccount: true,
    flags: { call: { type: 'string', value: 'ID', description: 'call id (required)' } },
    params: (values) => ({ call: stringFlag(values, 'call', true) }),
    format: formatCallStatus,
  },

  'call-hangup': {
    method: 'call-hangup',
    summary: 'end a call that is still ringing',
    needsAccount: true,
    flags: { call: { type: 'string', value: 'ID', description: 'call id (required)' } },
    params: (values) => ({ call: stringFlag(values, 'call', true) }),
    format: (_body, values) => `call ${stringFlag(values, 'call', true)} hung up`,
  },
};
