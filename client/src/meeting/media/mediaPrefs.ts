import { z } from 'zod';

/**
 * What the person chose in a call (muted, camera off, which devices), kept in localStorage so a
 * reload (F5) or the next meeting starts the same way.
 */
const MediaPrefs = z.object({
  micMuted: z.boolean().catch(false),
  cameraOff: z.boolean().catch(false),
  audioDeviceId: z.string().max(512).nullable().catch(null),
  videoDeviceId: z.string().max(512).nullable().catch(null),
});
export type MediaPrefs = z.infer<typeof MediaPrefs>;

const KEY = 'parley.meeting.prefs';
export const DEFAULT_PREFS: MediaPrefs = {
  micMuted: false,
  cameraOff: false,
  audioDeviceId: null,
  videoDeviceId: null,
};

export function loadMediaPrefs(): MediaPrefs {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return { ...DEFAULT_PREFS };
    const parsed = MediaPrefs.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : { ...DEFAULT_PREFS };
  } catch {
    return { ...DEFAULT_PREFS };
  }
}

export function saveMediaPrefs(change: Partial<MediaPrefs>): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...loadMediaPrefs(), ...change }));
  } catch {
    // Private mode or storage full: the choice lasts for this page only.
  }
}
