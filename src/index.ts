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
