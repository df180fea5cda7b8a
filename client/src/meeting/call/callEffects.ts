import type { Participant, MeetingMode } from '@parley/protocol';
import { createEffect, onCleanup, type Accessor } from 'solid-js';
import type { LocalMedia } from '../media/LocalMedia.js';
import type { MeetingSession } from '../session/MeetingSession.js';
import { preloadSfu } from '../session/registerSfu.js';

/** A mesh call with this many other participants loads the SFU code ahead, after this delay. */
const SFU_PRELOAD_OTHERS = 2;
const SFU_PRELOAD_DELAY_MS = 1500;

/**
 * A mesh call of three or more may soon move to the SFU (MESH_MAX_PARTICIPANTS, default 4):
 * load the SFU code now, while nothing else runs, rather than during the switch.
 */
export function preloadSfuWhenLikely(
  joined: Accessor<boolean>,
  mode: Accessor<MeetingMode>,
  participants: Accessor<Participant[]>,
): void {
  createEffect(() => {
    if (!joined() || mode() !== 'mesh' || participants().length < SFU_PRELOAD_OTHERS) return;
    const timer = setTimeout(() => void preloadSfu().catch(() => undefined), SFU_PRELOAD_DELAY_MS);
    onCleanup(() => clearTimeout(timer));
  });
}

/**
 * The camera has the SFU size while any SFU transport runs (the mesh links scale it down), and
 * the mesh size again once the last one closed (after a switch back to mesh).
 */
export function cameraFollowsTransports(
  local: Accessor<LocalMedia | null>,
  sessions: Accessor<MeetingSession[]>,
): void {
  createEffect(() => {
    const media = local();
    const running = sessions();
    if (!media || running.length === 0) return;
    void media.setCameraMode(running.some((session) => session.mode === 'sfu') ? 'sfu' : 'mesh');
  });
}
