/**
 * The server's public programmatic entry point, for tools outside the workspace (bench/): what
 * they may use in-process. Everything else under server/src is internal; the import rules
 * (.dependency-cruiser.cjs) hold bench/ and loadtest/ to this file, or to the server process.
 */
export { createChatServices, type ChatServices } from './chat/createChatServices.js';
export { MediaNodeClient, MediaRpcError } from './media/MediaNodeClient.js';
export { createDb, migrateLatest } from './store/db.js';
