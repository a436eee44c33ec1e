import { isMethodName, METHODS, type MethodName } from '../protocol/index.js';
import {
  balance,
  changeCredential,
  credentialConfirm,
  options,
  pay,
  register,
  serverStatus,
  status,
} from './account-methods.js';
import { ApiError } from './api-error.js';
import { authenticate, type Caller } from './authenticate.js';
import { callStatus, hangupCall, placeCall } from './call-methods.js';
import type { MethodContext, MethodInput, MethodResult } from './method-context.js';

type SignedHandler = (
  context: MethodContext,
  input: MethodInput,
  caller: Caller,
) => MethodResult | Promise<MethodResult>;

const SIGNED_HANDLERS: Partial<Record<MethodName, SignedHandler>> = {
  options,
  balance,
  pay,
  change_credential: changeCredential,
  credential_confirm: credentialConfirm,
  call: placeCall,
  'call-status': callStatus,
  'call-hangup': hangupCall,
};

/**
 * Runs one API method: rejects an unknown method (UNEXPECTED) and missing required parameters
 * (INVALID_ARGS), authenticates signed methods, then runs the handler. Throws ApiError for
 * every error response.
 */
export async function runApiMethod(
  context: MethodContext,
  method: string,
  input: MethodInput,
): Promise<MethodResult> {
  if (!isMethodName(method)) {
    throw new ApiError('UNEXPECTED', `Unknown method ${method || '(empty)'}`);
  }
  for (const name of METHODS[method].required) {
    if ((input.params.get(name) ?? '') === '') {
      throw new ApiError('INVALID_ARGS', `Missing required parameter ${name}`);
    }
  }

  switch (method) {
    case 'register':
      return register(context, input);
    case 'status':
      return status(context, input);
    case 'server-status':
      return serverStatus(context);
  }

  const handler = SIGNED_HANDLERS[method];
  if (handler === undefined) throw new ApiError('UNEXPECTED', `Method ${method} has no handler`);
  const caller = authenticate(
    context.accounts,
    method,
    input.params,
    input.signatureHeader,
    input.now,
  );
  return handler(context, input, caller);
}
