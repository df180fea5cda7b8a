import type { CallEventOf } from './CallEvent.js';
import { isInCall } from './CallState.js';
import { beginJoin } from './commonSteps.js';
import { to, type TransitionRow } from './Transition.js';

/**
 * The server forgets this page's peer when the socket drops: the call waits for it to come back
 * and joins again. A deploy (server_restarting first) keeps the mesh links and the participants
 * (the next join resumes this peer); in SFU it keeps the session too, and its transports are
 * new only when the resumed join could not adopt them (joinAck).
 */
export const disconnected: TransitionRow<CallEventOf<'disconnected'>> = {
  from: ['joining', 'lobby', 'inMesh', 'inSfu', 'switching', 'migrating'],
  run: ({ step, data }) => {
    const handOver = data.restartPeerId !== null && isInCall(step);
    // The transports (mesh links, or SFU transports the next instance adopts) do not need the server.
    if (handOver && (data.transport === 'mesh' || data.transport === 'sfu'))
      return to({ name: 'reconnecting', kept: step }, data);
    return to(
      { name: 'reconnecting', kept: null },
      {
        ...data,
        attempt: data.attempt + 1,
        queued: null,
        transport: null,
        participants: handOver ? data.participants : [],
      },
      [{ type: 'closeTransports' }],
    );
  },
};

/** The socket is back: join again (resuming this peer after a deploy). */
export const connected: TransitionRow<CallEventOf<'connected'>> = {
  from: ['reconnecting', 'resuming'],
  run: ({ step, data }) =>
    step.name === 'reconnecting' || step.name === 'resuming' ? beginJoin(data, { kept: step.kept }) : null,
};

/** server_restarting: the disconnection that follows is a deploy hand-over, not a network failure. */
export const serverRestarting: TransitionRow<CallEventOf<'serverRestarting'>> = {
  from: 'any',
  run: ({ step, data }) => to(step, { ...data, restartPeerId: data.selfPeerId }),
};
