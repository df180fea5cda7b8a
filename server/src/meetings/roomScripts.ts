/**
 * Lua scripts of the Redis room store: each mutation of a room runs atomically in Redis, so
 * several server instances can join, leave and sweep the same room at once.
 *
 * Keys (K = `<REDIS_PREFIX>meetings:`): `K room:<id>` hash {status, hostId, mode};
 * `K room:<id>:peers` hash peerId → peer JSON; `K room:<id>:users` hash userId → peerId;
 * `K due:empty` and `K due:host` sorted sets meetingId → deadline (unix ms);
 * `K instances` set of instance ids holding peers; `K instance:<iid>:peers` set of
 * "<meetingId> <peerId>"; `K instance:<iid>:alive` liveness key.
 * The per-instance peer sets are addressed from inside the scripts (prefix passed in ARGV), which
 * is fine on a single Redis or a primary/replica pair (not on Redis Cluster).
 */

/** KEYS: meta, emptyDue. ARGV: meetingId, hostId, mode, emptyDeadline. */
export const CREATE_ROOM = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'open', 'hostId', ARGV[2], 'mode', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
return 1
`;

/**
 * KEYS: meta, peers, users, emptyDue, hostDue, instances.
 * ARGV: meetingId, peerId, userId, peerJson, instancePrefix, instanceId, hostGraceDeadline.
 * Returns {0} when the room is not open, else {1, replacedPeerJson or ''}.
 */
export const ADD_PEER = `
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return {0} end
local member = ARGV[1] .. ' ' .. ARGV[2]
local replaced = ''
local oldId = redis.call('HGET', KEYS[3], ARGV[3])
if oldId then
  local oldJson = redis.call('HGET', KEYS[2], oldId)
  if oldJson then
    replaced = oldJson
    redis.call('HDEL', KEYS[2], oldId)
    local old = cjson.decode(oldJson)
    redis.call('SREM', ARGV[5] .. old.instanceId .. ':peers', ARGV[1] .. ' ' .. oldId)
  end
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[4])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[2])
redis.call('SADD', ARGV[5] .. ARGV[6] .. ':peers', member)
redis.call('SADD', KEYS[6], ARGV[6])
redis.call('ZREM', KEYS[4], ARGV[1])
local hostId = redis.call('HGET', KEYS[1], 'hostId')
if hostId == ARGV[3] then
  redis.call('ZREM', KEYS[5], ARGV[1])
elseif not redis.call('HGET', KEYS[3], hostId) and not redis.call('ZSCORE', KEYS[5], ARGV[1]) then
  redis.call('ZADD', KEYS[5], ARGV[7], ARGV[1])
end
return {1, replaced}
`;

/**
 * KEYS: meta, peers, users, emptyDue, hostDue.
 * ARGV: meetingId, peerId, instancePrefix, emptyDeadline, hostGraceDeadline (0: none).
 * Returns the removed peer's JSON, or false when it was not there.
 */
export const REMOVE_PEER = `
local json = redis.call('HGET', KEYS[2], ARGV[2])
if not json then return false end
redis.call('HDEL', KEYS[2], ARGV[2])
local peer = cjson.decode(json)
if redis.call('HGET', KEYS[3], peer.userId) == ARGV[2] then redis.call('HDEL', KEYS[3], peer.userId) end
redis.call('SREM', ARGV[3] .. peer.instanceId .. ':peers', ARGV[1] .. ' ' .. ARGV[2])
if redis.call('HGET', KEYS[1], 'status') == 'open' then
  if redis.call('HLEN', KEYS[2]) == 0 then redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1]) end
  if tonumber(ARGV[5]) > 0 and redis.call('HGET', KEYS[1], 'hostId') == peer.userId then
    redis.call('ZADD', KEYS[5], ARGV[5], ARGV[1])
  end
end
return json
`;

/**
 * KEYS: meta, peers, emptyDue. ARGV: meetingId, conditional ('1'|'0'), now, retryAt.
 * A closing room keeps an entry (due at retryAt) in the empty set so that the sweeper finishes
 * the job if the instance that started it dies.
 */
export const BEGIN_CLOSE = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  redis.call('ZREM', KEYS[3], ARGV[1])
  return 'gone'
end
if status == 'closing' then return 'closing' end
if ARGV[2] == '1' then
  local due = redis.call('ZSCORE', KEYS[3], ARGV[1])
  if not due or tonumber(due) > tonumber(ARGV[3]) then return 'notdue' end
  if redis.call('HLEN', KEYS[2]) > 0 then
    redis.call('ZREM', KEYS[3], ARGV[1])
    return 'busy'
  end
end
redis.call('HSET', KEYS[1], 'status', 'closing')
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
return 'closing'
`;

/**
 * KEYS: meta, peers, users, hostDue. ARGV: meetingId, now, force ('1'|'0').
 * Returns {outcome} or {'changed', newHostId}.
 */
export const TRANSFER_HOST = `
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then
  redis.call('ZREM', KEYS[4], ARGV[1])
  return {'gone'}
end
if ARGV[3] ~= '1' then
  local due = redis.call('ZSCORE', KEYS[4], ARGV[1])
  if not due or tonumber(due) > tonumber(ARGV[2]) then return {'notdue'} end
end
local hostId = redis.call('HGET', KEYS[1], 'hostId')
if redis.call('HGET', KEYS[3], hostId) then
  redis.call('ZREM', KEYS[4], ARGV[1])
  return {'back'}
end
local best = nil
local peers = redis.call('HVALS', KEYS[2])
for _, json in ipairs(peers) do
  local peer = cjson.decode(json)
  if best == nil or peer.joinedAt < best.joinedAt or (peer.joinedAt == best.joinedAt and peer.peerId < best.peerId) then
    best = peer
  end
end
redis.call('ZREM', KEYS[4], ARGV[1])
if best == nil then return {'empty'} end
redis.call('HSET', KEYS[1], 'hostId', best.userId)
return {'changed', best.userId}
`;

/** KEYS: meta, peers, users, emptyDue, hostDue. ARGV: meetingId, instancePrefix. */
export const DELETE_ROOM = `
local peers = redis.call('HVALS', KEYS[2])
for _, json in ipairs(peers) do
  local peer = cjson.decode(json)
  redis.call('SREM', ARGV[2] .. peer.instanceId .. ':peers', ARGV[1] .. ' ' .. peer.peerId)
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
return 1
`;

/** KEYS: lock. ARGV: token. Deletes the lock only if this holder still owns it. */
export const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
