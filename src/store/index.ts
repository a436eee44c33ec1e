export * from './types.js';
export {
  StoreOptionError,
  StoreArgumentError,
  StoreDataError,
  isStoreUnavailable,
} from './errors.js';
export { MAX_SESSION_KEY_LENGTH } from './validate.js';
export { MemoryPendingStore, type MemoryPendingStoreOptions } from './memory.js';
export { RedisPendingStore, type RedisPendingStoreOptions } from './redis.js';
export { RedisStoreLimiter } from './redis-limiter.js';
export type { RedisStoreClient } from './redis-guard.js';
