import { createHash } from 'node:crypto';

/** A Lua script with its SHA1, computed once so that requests send only EVALSHA. */
export interface RedisScript {
  readonly lua: string;
  readonly sha: string;
}

function defineScript(lua: string): RedisScript {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/**
 * Replaces the record and returns the fields of the one it replaced (empty when there was
 * none). KEYS[1] = pending key, ARGV[1] = TTL in ms, ARGV[2..] = field/value pairs. A TTL <= 0
 * means the record is already past its grace period, so only the old one is deleted.
 */
export const PUT_SCRIPT = defineScript(`
local replaced = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
local ttl = tonumber(ARGV[1])
if ttl <= 0 then return replaced end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ttl)
return replaced
`);

/**
 * Takes one attempt. KEYS[1] = pending key, ARGV[1] = now in ms, ARGV[2] = typed code length or
 * '' to skip that check. Returns {'attempt', fields} with the fields as they were before the
 * decrement, {'wrong-length', codeLength, attemptsLeft} without taking an attempt, or
 * {'missing'}, {'expired'}, {'exhausted'}. HINCRBY keeps the key's TTL.
 */
export const TAKE_ATTEMPT_SCRIPT = defineScript(`
local expiresAt = redis.call('HGET', KEYS[1], 'expiresAt')
if not expiresAt then return {'missing'} end
if tonumber(ARGV[1]) >= tonumber(expiresAt) then return {'expired'} end
local left = tonumber(redis.call('HGET', KEYS[1], 'attemptsLeft'))
if left == nil or left <= 0 then
  redis.call('DEL', KEYS[1])
  return {'exhausted'}
end
if ARGV[2] ~= '' then
  local codeLength = redis.call('HGET', KEYS[1], 'codeLength')
  if tonumber(codeLength) ~= tonumber(ARGV[2]) then return {'wrong-length', codeLength, left} end
end
local fields = redis.call('HGETALL', KEYS[1])
if left == 1 then
  redis.call('DEL', KEYS[1])
else
  redis.call('HINCRBY', KEYS[1], 'attemptsLeft', -1)
end
return {'attempt', fields}
`);

/** Deletes the record if it contains this call. KEYS[1] = pending key, ARGV[1] = call id. */
export const CONSUME_SCRIPT = defineScript(`
if redis.call('HGET', KEYS[1], 'callId') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`);

/**
 * Records a call status if the record contains this call. KEYS[1] = pending key, ARGV[1] = call
 * id, ARGV[2] = status name, ARGV[3] = checked-at time in ms. HSET keeps the key's TTL.
 */
export const SAVE_STATUS_SCRIPT = defineScript(`
if redis.call('HGET', KEYS[1], 'callId') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'lastStatus', ARGV[2], 'statusCheckedAt', ARGV[3])
  return 1
end
return 0
`);

/** Deletes the record and returns its fields (empty when there was none). KEYS[1] = pending key. */
export const DELETE_SCRIPT = defineScript(`
local fields = redis.call('HGETALL', KEYS[1])
if #fields > 0 then redis.call('DEL', KEYS[1]) end
return fields
`);
