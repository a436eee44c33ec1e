export * from './types.js';
export { StoreOptionError, StoreArgumentError, isStoreUnavailable } from './errors.js';
export { MAX_SESSION_KEY_LENGTH } from './validate.js';
export { MemoryPendingStore, type MemoryPendingStoreOptions } from './memory.js';
