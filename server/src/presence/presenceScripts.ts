/**
 * Lua scripts for the socket transitions that read and write several presence keys at once, so
 * a user's first-socket, last-socket and leaving checks are exact across instances.
 */

/** KEYS: user, instance sockets, leaving. ARGV: user member, instance entry, user id. 1 = now online. */
export const ADD_SOCKET = `
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
if redis.call('SCARD', KEYS[1]) ~= 1 then return 0 end
if redis.call('ZREM', KEYS[3], ARGV[3]) == 1 then return 0 end
return 1
`;

/**
 * KEYS: user, instance sockets, leaving. ARGV: user member, instance entry, user id, deadline ms
 * (0: no grace). 1 = that was the last socket (and the user is leaving until the deadline).
 */
export const REMOVE_SOCKET = `
local removed = redis.call('SREM', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[2])
if removed ~= 1 or redis.call('SCARD', KEYS[1]) ~= 0 then return 0 end
if tonumber(ARGV[4]) > 0 then redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3]) end
return 1
`;

/** KEYS: user, leaving. ARGV: user id. 1 = the user was leaving and still has no socket. */
export const CONFIRM_OFFLINE = `
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
return 1
`;
