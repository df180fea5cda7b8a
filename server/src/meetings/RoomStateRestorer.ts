import type { LocalPeers } from './LocalPeers.js';
import type { MeetingRepository } from './MeetingRepository.js';
import type { MeetingMode } from '@parley/protocol';
import type { RoomStore } from './RoomStore.js';
import type { MeetingSettings } from './settings.js';

export interface RoomStateRestorerDeps {
  rooms: RoomStore;
  repo: MeetingRepository;
  localPeers: LocalPeers;
  settings: MeetingSettings;
}

/** What this instance knows of a meeting's mode from its own peers (SFU peers: 'sfu'). */
export type LocalModeHint = (meetingId: string) => MeetingMode | undefined;

/**
 * Writes this instance's part of the shared room state again after Redis lost it (restarted
 * without persistence, or keys evicted): every room that has peers on this instance, and those
 * peers, as they are. Each instance restores its own peers, so together they rebuild every
 * room; nobody is announced as leaving or joining, and no room is left empty to end.
 */
export class RoomStateRestorer {
  private modeHint: LocalModeHint = () => undefined;

  constructor(private readonly deps: RoomStateRestorerDeps) {}

  /** Set once the SFU services exist (they are built after the meeting services). */
  useModeHint(hint: LocalModeHint): void {
    this.modeHint = hint;
  }

  /** Restores every local peer; returns how many were written again. */
  async restore(): Promise<number> {
    const { rooms, repo, localPeers, settings } = this.deps;
    const byMeeting = new Map<string, ReturnType<LocalPeers['all']>>();
    for (const entry of localPeers.all()) {
      const list = byMeeting.get(entry.meetingId) ?? [];
      list.push(entry);
      byMeeting.set(entry.meetingId, list);
    }
    let restored = 0;
    for (const [meetingId, entries] of byMeeting) {
      const knownMode = this.modeHint(meetingId);
      const meta = await rooms.getMeta(meetingId);
      if (!meta) {
        const meeting = await repo.find(meetingId);
        if (meeting?.status !== 'active') continue;
        // The database holds the host (kept on every hand-over) but not the live mode.
        await rooms.createRoom(
          meetingId,
          { hostId: meeting.hostId, mode: knownMode ?? meeting.mode },
          Date.now() + settings.emptyMeetingMs,
        );
      } else if (knownMode && meta.mode !== knownMode) {
        await rooms.setMode(meetingId, knownMode);
      }
      for (const { peer } of entries) {
        const added = await rooms.addPeer(meetingId, peer, Date.now() + settings.hostGraceMs);
        if (added.ok) restored++;
      }
    }
    return restored;
  }
}
