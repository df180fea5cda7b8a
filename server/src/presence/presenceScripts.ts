/**
 * Lua scripts for the socket transitions that read and write several presence keys at once, so
 * a user's first-socket, last-socket and leaving checks are exact across instances.
 */

/** KEYS: user, instance sockets, leaving. ARGV: user member, instance entry. 1 = now online. */
export const ADD_SOCKET = `
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
if redis.call('SCARD', KEYS[1]) ~= 1 then return 0 end
if redis.call('DEL', KEYS[3]) == 1 then return 0 end
return 1
`;

/**
 * KEYS: user, instance sockets, leaving. ARGV: user member, instance entry, leaving ms, marker
 * lifetime ms. 1 = that was the last socket (leaving when leaving ms > 0).
 */
export const REMOVE_SOCKET = `
local removed = redis.call('SREM', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[2])
if removed ~= 1 or redis.call('SCARD', KEYS[1]) ~= 0 then return 0 end
if tonumber(ARGV[3]) > 0 then redis.call('SET', KEYS[3], '1', 'PX', ARGV[4]) end
return 1
`;

/** KEYS: user, leaving. 1 = the leaving period ended with the user still without sockets. */
export const CONFIRM_OFFLINE = `
if redis.call('DEL', KEYS[2]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
return 1
`;
