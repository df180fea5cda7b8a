import { pino, type Logger } from 'pino';
import type { Config } from './config/serverConfig.js';

export type { Logger } from 'pino';

/** JSON logs on stdout; secrets that may appear in logged objects are redacted. */
export function createLogger(config: Pick<Config, 'logLevel'>, bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level: config.logLevel,
    base: { pid: process.pid, ...bindings },
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'req.headers.authorization', 'req.headers.cookie'],
      censor: '[redacted]',
    },
  });
}
