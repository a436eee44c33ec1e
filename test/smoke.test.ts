import { describe, expect, it } from 'vitest';
import { METHODS, METHOD_NAMES } from '../src/index.js';
import { connectRedis, uniquePrefix } from './support/redis.js';

describe('protocol table', () => {
  it('describes every method', () => {
    expect(Object.keys(METHODS).sort()).toEqual([...METHOD_NAMES].sort());
  });

  it('signs call in the documented order', () => {
    expect(METHODS.call.signOrder).toEqual([
      'call-api-id',
      'timestamp',
      'nonce',
      'msisdn',
      'ip_address',
    ]);
  });
});

describe('test redis', () => {
  it('accepts writes under a unique prefix', async () => {
    const redis = connectRedis();
    const key = `${uniquePrefix('smoke')}k`;
    await redis.set(key, 'v', 'EX', 10);
    expect(await redis.get(key)).toBe('v');
    await redis.quit();
  });
});
