export { createEmulator, DEVELOPMENT_DOMAIN, type Emulator } from './create-emulator.js';
export type { EmulatorOptions } from './options.js';
export { EmulatorOptionError } from './option-error.js';
export { SCENARIO_NUMBERS, SCENARIO_ERROR_TEXT } from './scenarios.js';
export type {
  BlockReason,
  EmulatorAccount,
  EmulatorCall,
  EmulatorCredential,
  EmulatorFault,
  FaultTarget,
} from './types.js';
