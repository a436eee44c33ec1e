export * from './protocol/index.js';
export { type Clock, systemClock, ManualClock } from './clock.js';
export * from './store/index.js';
export { type Logger, silentLogger, consoleLogger, maskPhone } from './logger.js';
export { LoginByCallClient } from './api/client.js';
export type { LoginByCallClientOptions } from './api/options.js';
export {
  LoginByCallError,
  LoginByCallTransportError,
  LoginByCallOptionError,
  LoginByCallArgumentError,
  type LoginByCallTransportErrorCode,
} from './api/errors.js';
export type { Transport } from './api/encode.js';
export type { ParamValue } from './api/signature.js';
export * from './api/types.js';
export {
  renderPaymentForm,
  renderPaymentPage,
  type PaymentFormOptions,
} from './api/payment-form.js';
export {
  createEmulator,
  DEVELOPMENT_DOMAIN,
  EmulatorOptionError,
  SCENARIO_NUMBERS,
  SCENARIO_ERROR_TEXT,
  type Emulator,
  type EmulatorOptions,
  type EmulatorAccount,
  type EmulatorCall,
  type EmulatorCredential,
  type EmulatorFault,
  type FaultTarget,
  type BlockReason,
} from './emulator/index.js';
export {
  LoginByCallStrategy,
  type LoginByCallStrategyOptions,
  type LoginByCallVerify,
  type LoginByCallVerifyWithRequest,
  type LoginByCallFailure,
} from './passport/strategy.js';
export type { LoginByCallApi, LoginByCallCoreOptions } from './passport/options.js';
export type { LoginByCallEvent, LimitName, HangUpReason } from './passport/events.js';
export {
  LoginByCallFlowError,
  type LoginByCallFlowErrorCode,
  type FlowErrorDetails,
} from './passport/flow-error.js';
export { loginByCall, type LoginByCallMiddleware } from './express/router.js';
export type {
  LoginByCallOptions,
  LoginByCallRouterOptions,
  LoginByCallLimits,
  LoginByCallRedirects,
  LimitWindow,
} from './express/options.js';
export type { PassportLike, AuthenticateCallback } from './express/passport-like.js';
export { getLoginByCallState, type FlowState } from './express/state.js';
export {
  getConfirmedPhone,
  type ConfirmedPhone,
  type FlowMessage,
  type LoginByCallSessionData,
} from './express/session.js';
export type { StartResult } from './express/start.js';
export type { VerifyResult } from './express/verify.js';
