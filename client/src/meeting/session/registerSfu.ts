import { LazySession } from './LazySession.js';
import { registerSessionFactory } from './MeetingSession.js';

type SfuCode = typeof import('../sfu/SfuSession.js');

let code: Promise<SfuCode> | null = null;
/** The SFU code once loaded: a session then starts at once, not a microtask later. */
let loaded: SfuCode | null = null;

/**
 * Loads the SFU session's code (mediasoup-client) once. Calls of a few people never need it; a
 * call that grows toward the mesh limit loads it ahead (createMeetingCall), so that the switch
 * to the SFU does not wait for it while both transports run.
 */
export function preloadSfu(): Promise<SfuCode> {
  if (!code) {
    // Loading the SFU code means a join is near: the browser's capabilities are read now.
    code = import('../sfu/SfuSession.js').then((module) => {
      module.warmUpDevice();
      loaded = module;
      return module;
    });
    code.catch(() => {
      code = null;
    });
  }
  return code;
}

/**
 * A page opened on a meeting link loads the SFU code (and reads the browser's capabilities)
 * right away, beside the app's own start: by the `join_meeting` ack of an SFU meeting it is
 * ready. A mesh call does not use it (its RTCPeerConnection stack is warm, though).
 */
export function preloadSfuForPage(pathname: string): void {
  if (pathname.startsWith('/meet/')) void preloadSfu().catch(() => undefined);
}

// SFU mode loads mediasoup-client on first use (or when preloaded).
// A loaded one starts right away: its first requests go out before the call renders (the join
// ack's render of every tile takes tens of ms).
registerSessionFactory('sfu', (context) =>
  loaded
    ? new loaded.SfuSession(context)
    : new LazySession('sfu', () => preloadSfu().then(({ SfuSession }) => new SfuSession(context))),
);
