/**
 * `@parley/protocol/internal`: what only Parley's own processes share, never browsers or bots:
 * the media RPC between signalling servers and media nodes, the media nodes' Redis keys, and the
 * media secret's file.
 * Import rules (.dependency-cruiser.cjs) keep the client and the load tester's bots off it.
 */
export * from './mediaRpc.js';
export * from './secretFile.js';
