/**
 * Console logging for calls, quiet by default: `localStorage['parley.debug'] = 'meeting'` (or
 * `?debug=meeting` in the URL) turns on the debug lines. Warnings are always printed (as
 * console.warn, never console.error: expected failures are no page errors).
 */
export interface MeetingLogger {
  debug(message: string, detail?: unknown): void;
  /** Noteworthy but expected (a reset, a restart): printed with the debug lines. */
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  child(scope: string): MeetingLogger;
}

function debugEnabled(): boolean {
  try {
    const flag = new URLSearchParams(location.search).get('debug') ?? localStorage.getItem('parley.debug') ?? '';
    return flag.split(',').includes('meeting');
  } catch {
    return false;
  }
}

function logger(scope: string): MeetingLogger {
  const prefix = `[meeting${scope ? ` ${scope}` : ''}]`;
  return {
    debug(message, detail) {
      if (!debugEnabled()) return;
      if (detail === undefined) console.debug(prefix, message);
      else console.debug(prefix, message, detail);
    },
    info(message, detail) {
      if (!debugEnabled()) return;
      if (detail === undefined) console.info(prefix, message);
      else console.info(prefix, message, detail);
    },
    warn(message, detail) {
      if (detail === undefined) console.warn(prefix, message);
      else console.warn(prefix, message, detail);
    },
    child(child) {
      return logger(scope ? `${scope} ${child}` : child);
    },
  };
}

export const meetingLog = logger('');
