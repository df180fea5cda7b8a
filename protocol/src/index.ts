export * from './events.js';
export * from './errors.js';
export * from './types.js';
export * from './validate.js';
export * from './schemas/common.js';
export * from './schemas/auth.js';
export * from './schemas/chat.js';
export * from './schemas/meetings.js';
