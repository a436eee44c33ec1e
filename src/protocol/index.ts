export * from './methods.js';
export * from './errors.js';
export * from './calls.js';
