export * from './protocol/index.js';
export { type Clock, systemClock, ManualClock } from './clock.js';
export * from './store/index.js';
export { type Logger, silentLogger, consoleLogger, maskPhone } from './logger.js';
