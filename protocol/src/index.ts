/**
 * `@parley/protocol`: the public wire contract, what browsers and the load tester's bots use
 * (events, schemas, errors, the socket contract table). Media RPC between servers and media
 * nodes is internal: `@parley/protocol/internal`.
 */
export * from './events.js';
export * from './errors.js';
export * from './types.js';
export * from './validate.js';
export * from './schemas/common.js';
export * from './schemas/auth.js';
export * from './schemas/chat.js';
export * from './schemas/meetings.js';
export * from './mediaRpcShapes.js';
export { SrtpCryptoSuiteSchema, SrtpParametersSchema, type SrtpParametersWire } from './mediaRpc.js';
export * from './schemas/sfu.js';
export * from './schemas/text.js';
export * from './privateAddress.js';
export * from './limits/eventLimits.js';
export * from './schemas/room.js';
export * from './tileLayer.js';
export * from './contract/clientEventContract.js';
export * from './contract/serverEventContract.js';
export * from './contract/socketTypes.js';
export * from './contract/wireShape.js';
export * from './contract/wireShapeSchemas.js';
export * from './contract/ackSchemas.js';
export * from './contract/ackBody.js';
export * from './contract/readAck.js';
