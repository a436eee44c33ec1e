import createDebug from 'debug';
import { setTimeout as delay } from 'node:timers/promises';
import type { Agent } from 'undici';
import { isMethodName, METHODS, type MethodName } from '../protocol/index.js';
import {
  decodeBalance,
  decodeCall,
  decodeCallStatus,
  decodeChangeCredential,
  decodePay,
  decodeRegister,
  decodeServerStatus,
  decodeStatus,
} from './decode.js';
import { encodeRequest } from './encode.js';
import {
  LoginByCallArgumentError,
  LoginByCallOptionError,
  type LoginByCallTransportError,
} from './errors.js';
import { createHttpAgent, sendHttp } from './http.js';
import { isRetryable, parseResponse } from './response.js';
import {
  resolveClientOptions,
  type LoginByCallClientOptions,
  type ResolvedClientOptions,
} from './options.js';
import { computeSignature, createNonce, toWireParams, type ParamValue } from './signature.js';
import type {
  AccountStatus,
  Balance,
  CallParams,
  CallResult,
  CallStatus,
  ChangeCredentialParams,
  ChangeCredentialResult,
  OptionsParams,
  PayParams,
  PayResult,
  RegisterParams,
  RegisterResult,
  ServerStatus,
} from './types.js';
import {
  checkBalanceNotifyLimit,
  checkCallId,
  checkMsisdn,
  checkPositiveInteger,
  checkText,
} from './arguments.js';

const trace = createDebug('loginbycall:api');

/**
 * Client of the LoginByCall v2.0 HTTP API. It signs requests, encodes them in the chosen
 * transport over one keep-alive connection pool, and maps error responses to
 * {@link LoginByCallError} and failed requests to {@link LoginByCallTransportError}.
 * Call {@link LoginByCallClient.close} when done so the pool's sockets close.
 */
export class LoginByCallClient {
  private readonly config: ResolvedClientOptions;
  private readonly agent: Agent;

  constructor(options: LoginByCallClientOptions) {
    this.config = resolveClientOptions(options);
    this.agent = createHttpAgent();
  }

  /** Registers an account for a domain; the service e-mails the api-key to `adminEmail`. */
  async register(params: RegisterParams): Promise<RegisterResult> {
    const body = await this.request('register', {
      domain: checkText('register', 'domain', params.domain),
      admin_email: checkText('register', 'adminEmail', params.adminEmail),
      admin_phone: checkText('register', 'adminPhone', params.adminPhone, { optional: true }),
      verify_url: checkText('register', 'verifyUrl', params.verifyUrl, { optional: true }),
      balance_notify_limit: checkBalanceNotifyLimit('register', params.balanceNotifyLimit, {
        optional: true,
      }),
    });
    return decodeRegister(body);
  }

  /** Returns whether the account is activated, blocked and allowed unsigned requests. */
  async status(): Promise<AccountStatus> {
    return decodeStatus(await this.request('status', {}));
  }

  /**
   * Returns whether the service expects calls to go through (`serverStatus` 1) or to fail (0).
   * Only the later revision of the API has this method.
   */
  async serverStatus(): Promise<ServerStatus> {
    return decodeServerStatus(await this.request('server-status', {}));
  }

  /** Sets the balance, in credits, below which the administrator is e-mailed; -1 turns it off. */
  async options(params: OptionsParams): Promise<void> {
    await this.request('options', {
      balance_notify_limit: checkBalanceNotifyLimit('options', params.balanceNotifyLimit),
    });
  }

  /** Returns the payments, charges and current balance of the account, in credits. */
  async balance(): Promise<Balance> {
    return decodeBalance(await this.request('balance', {}));
  }

  /**
   * Starts a payment of `amount` credits. The English revision of the service returns the
   * fields of a form to submit (`kind: 'redirect'`), the later one a ready HTML form
   * (`kind: 'html'`). `renderPaymentForm` and `renderPaymentPage` turn either into HTML.
   */
  async pay(params: PayParams): Promise<PayResult> {
    const body = await this.request('pay', {
      amount: checkPositiveInteger('pay', 'amount', params.amount),
      locale: checkText('pay', 'locale', params.locale, { optional: true }),
      success_url: checkText('pay', 'successUrl', params.successUrl, { optional: true }),
      fail_url: checkText('pay', 'failUrl', params.failUrl, { optional: true }),
      return_url: checkText('pay', 'returnUrl', params.returnUrl, { optional: true }),
    });
    return decodePay(body);
  }

  /**
   * Requests a new call-api-id and api-key (e-mailed to `adminEmail`). Always signed, so it
   * needs `apiKey`. The old keys stay valid until {@link credentialConfirm} succeeds.
   */
  async changeCredential(params: ChangeCredentialParams): Promise<ChangeCredentialResult> {
    const body = await this.request('change_credential', {
      admin_email: checkText('change_credential', 'adminEmail', params.adminEmail),
      admin_phone: checkText('change_credential', 'adminPhone', params.adminPhone, {
        optional: true,
      }),
    });
    return decodeChangeCredential(body);
  }

  /**
   * Activates the keys this client was built with: the service fetches `verify_url` and
   * expects the call-api-id as its body. Always signed, so it needs `apiKey`.
   */
  async credentialConfirm(): Promise<void> {
    await this.request('credential_confirm', {});
  }

  /**
   * Queues a flash call to `msisdn`. Sent exactly once, never retried, because each call costs
   * money and a repeat within `repeatTimeout` fails with `CALL_REPEAT_TIMEOUT`.
   */
  async call(params: CallParams): Promise<CallResult> {
    const body = await this.request('call', {
      msisdn: checkMsisdn(params.msisdn),
      ip_address: checkText('call', 'ipAddress', params.ipAddress, { optional: true }),
    });
    return decodeCall(body);
  }

  /** Returns the status of a call. Statuses other than queued and dialing are final. */
  async callStatus(callId: string): Promise<CallStatus> {
    return decodeCallStatus(
      await this.request('call-status', { call: checkCallId('call-status', callId) }),
    );
  }

  /** Ends a call that is still ringing. */
  async callHangup(callId: string): Promise<void> {
    await this.request('call-hangup', { call: checkCallId('call-hangup', callId) });
  }

  /**
   * Sends any method with the given wire parameters and returns the service's JSON as is.
   * Adds `call-api-id` and the signature parameters where the method takes them; null,
   * undefined and '' values are not sent. Read-only methods are retried as configured.
   */
  async request(
    method: MethodName,
    params: Record<string, ParamValue>,
  ): Promise<Record<string, unknown>> {
    if (typeof method !== 'string' || !isMethodName(method)) {
      throw new LoginByCallArgumentError(
        method,
        'method',
        `Unknown method ${JSON.stringify(method)}: use one of ${Object.keys(METHODS).join(', ')}`,
      );
    }

    const baseParams = this.baseParams(method, params);
    const apiKey = this.signingKey(method);
    const attempts = METHODS[method].readOnly ? this.config.retries + 1 : 1;

    for (let attempt = 1; ; attempt++) {
      try {
        return await this.send(method, baseParams, apiKey, attempt);
      } catch (error) {
        if (attempt >= attempts || !isRetryable(error)) throw error;
        await this.waitBeforeRetry(method, attempt, error);
      }
    }
  }

  /** Closes the keep-alive connection pool. The client cannot send requests afterwards. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Adds `call-api-id` and checks that the method's required parameters have values. */
  private baseParams(
    method: MethodName,
    params: Record<string, ParamValue>,
  ): Record<string, string> {
    const spec = METHODS[method];
    const callerParams = toWireParams(params);
    let wire = callerParams;

    if (spec.parameters.includes('call-api-id') && callerParams['call-api-id'] === undefined) {
      if (this.config.callApiId === undefined) {
        throw new LoginByCallOptionError(
          'callApiId',
          `${method} needs the callApiId option: pass the call-api-id that register returned`,
        );
      }
      // First, as the reference's examples send it.
      wire = { 'call-api-id': this.config.callApiId, ...callerParams };
    }

    for (const name of spec.required) {
      if (wire[name] === undefined) {
        throw new LoginByCallArgumentError(
          method,
          name,
          `${method} is missing the ${name} parameter`,
        );
      }
    }
    return wire;
  }

  /** The key to sign with, or undefined when the method goes unsigned. */
  private signingKey(method: MethodName): string | undefined {
    const signing = METHODS[method].signing;
    if (signing === 'none') return undefined;
    if (signing === 'always' && this.config.apiKey === undefined) {
      throw new LoginByCallOptionError(
        'apiKey',
        `${method} is always signed, so it needs the apiKey option: pass the account's api-key`,
      );
    }
    return this.config.apiKey;
  }

  /** Sends one attempt. A signed attempt gets its own timestamp and nonce. */
  private async send(
    method: MethodName,
    baseParams: Record<string, string>,
    apiKey: string | undefined,
    attempt: number,
  ): Promise<Record<string, unknown>> {
    const params = { ...baseParams };
    let signature: string | undefined;
    if (apiKey !== undefined) {
      params['timestamp'] = String(Math.floor(this.config.clock.now() / 1000));
      params['nonce'] = createNonce();
      signature = computeSignature(method, params, apiKey);
      if (!this.config.signatureHeader) params['signature'] = signature;
    }

    const encoded = encodeRequest({
      basePath: this.config.basePath,
      method,
      params,
      transport: this.config.transport,
      paramsJson: this.config.paramsJson,
      headerSignature: this.config.signatureHeader ? signature : undefined,
    });

    // Parameter names only: values include the nonce, the signature and phone numbers.
    trace(
      '%s attempt %d: %s %s, params %o',
      method,
      attempt,
      this.config.transport,
      encoded.httpMethod,
      Object.keys(params),
    );
    const started = Date.now();
    const response = await sendHttp(
      this.agent,
      this.config.origin,
      encoded,
      method,
      this.config.timeoutMs,
    );
    trace(
      '%s attempt %d: HTTP %d in %d ms, request id %s',
      method,
      attempt,
      response.status,
      Date.now() - started,
      response.requestId ?? '-',
    );

    return parseResponse(method, response);
  }

  private async waitBeforeRetry(
    method: MethodName,
    attempt: number,
    error: unknown,
  ): Promise<void> {
    const ceiling = this.config.retryDelayMs * 2 ** (attempt - 1);
    const delayMs = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    const transportError = error as LoginByCallTransportError;
    this.config.logger.warn(
      {
        method,
        attempt,
        code: transportError.code,
        status: transportError.status,
        requestId: transportError.requestId,
        delayMs,
      },
      `LoginByCall ${method} failed, retrying`,
    );
    await delay(delayMs);
  }
}
