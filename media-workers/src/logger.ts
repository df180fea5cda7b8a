import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/** JSON logs on stdout, tagged with the node id. */
export function createLogger(level: LogLevel, nodeId: string): Logger {
  return pino({ level, base: { pid: process.pid, service: 'media', nodeId } });
}
