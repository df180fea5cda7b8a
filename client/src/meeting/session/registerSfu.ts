import { markJoin } from '../call/debugHooks.js';
import { LazySession } from './LazySession.js';
import { registerSessionFactory } from './MeetingSession.js';

let code: Promise<typeof import('../sfu/SfuSession.js')> | null = null;

/**
 * Loads the SFU session's code (mediasoup-client) once. Calls of a few people never need it; a
 * call that grows toward the mesh limit loads it ahead (createMeetingCall), so that the switch
 * to the SFU does not wait for it while both transports run.
 */
export function preloadSfu(): Promise<typeof import('../sfu/SfuSession.js')> {
  if (!code) {
    // Loading the SFU code means a join is near: the browser's capabilities are read now.
    code = import('../sfu/SfuSession.js').then((module) => {
      markJoin('sfuCode');
      module.warmUpDevice();
      return module;
    });
    code.catch(() => {
      code = null;
    });
  }
  return code;
}

// SFU mode loads mediasoup-client on first use (or when preloaded).
registerSessionFactory(
  'sfu',
  (context) => new LazySession('sfu', () => preloadSfu().then(({ SfuSession }) => new SfuSession(context))),
);
