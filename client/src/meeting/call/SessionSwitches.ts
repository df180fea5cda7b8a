import { SfuEvents, type MeetingMode, type Participant } from '@parley/protocol';
import type { SocketClient } from '../../api/socket.js';
import type { LocalMedia } from '../media/LocalMedia.js';
import { createSession, type MeetingSession, type SessionContext } from '../session/MeetingSession.js';
import type { IceServerSource } from './IceServerSource.js';
import type { ModeSwitch } from './ModeSwitch.js';

/** How often a drain move is checked, and the longest wait before `sfu:migrated` is sent anyway. */
const MIGRATE_POLL_MS = 100;
const MIGRATE_GIVE_UP_MS = 40_000;
/** Once swapped, the longest wait for every sender's new producer to be shown (not its old one, piped). */
const NEW_PRODUCERS_WAIT_MS = 3000;

export interface SessionSwitchesDeps {
  client: SocketClient;
  meetingId: string;
  transports: ModeSwitch;
  selfPeerId: () => string | null;
  local: () => LocalMedia | null;
  participants: () => Participant[];
  iceServers: () => SessionContext['iceServers'];
  ice: () => IceServerSource | null;
  /** The previous session of a switch closed. */
  switched: () => void;
  /** No session of this mode could start (the switch did not begin). */
  unsupported: (mode: MeetingMode) => void;
  log: { info(message: string): void; warn(message: string, detail?: unknown): void };
}

/**
 * The make-before-break moves of a joined call from one session to a new one (ModeSwitch), as
 * the call's machine asks for them (machine/meetingTransitions.ts decides when):
 * - `meeting_mode` (mesh ↔ SFU): `switchMode`;
 * - `sfu:migrate` (the meeting's media node is draining, docs/protocol.md): a second SFU session
 *   (new Device, transports, producers and consumers, which the server places on the new node)
 *   runs next to the current one; each participant's `<video>` swaps to the new track once it
 *   has frames; then `sfu:migrated`, whose answer comes once the others switched too (the old
 *   session keeps sending until then, `retain`), and the old session closes (its producers too);
 *   the server closes what is left on the old node.
 */
export class SessionSwitches {
  private migrateTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly peerIds = () => this.deps.participants().map((participant) => participant.peerId);

  constructor(private readonly deps: SessionSwitchesDeps) {}

  switchMode(next: MeetingMode): void {
    const { transports, local, log } = this.deps;
    // The camera grows to the SFU size before the SFU producer exists (it waits for this).
    if (next === 'sfu') void local()?.setCameraMode('sfu');
    // Make before break: the new transport starts, the old one keeps playing each participant
    // until the new one shows that participant's video (see ModeSwitch).
    const session = this.newSession(next);
    if (!session) return;
    log.info(`switching to ${next}`);
    transports.switchTo(session, this.peerIds, this.deps.switched);
  }

  migrate(): void {
    const { transports, meetingId, client, log } = this.deps;
    // The old session keeps sending until the server answers sfu:migrated: the others may still
    // show this page over the old node until they have switched too (ModeSwitch waits on holding).
    const old = transports.current();
    const release = old?.retain?.();
    // The producers consumed before the move: the old session also consumes the senders' new
    // producers once they are announced, which are no old ones.
    const olds = old?.consumedProducers?.(false) ?? new Set<string>();
    const session = this.newSession('sfu');
    if (!session) {
      release?.();
      return;
    }
    log.info('the media node is draining: moving to the new one');
    clearTimeout(this.migrateTimer);
    transports.switchTo(session, this.peerIds, this.deps.switched);
    const startedAt = Date.now();
    let swappedAt: number | null = null;
    // The new session may show a sender's old producer piped from the draining node (same id as
    // in the old session) until its new one carries media: that sender may not stop it yet.
    const showsOldProducers = () =>
      [...(session.consumedProducers?.(true) ?? [])].some((producerId) => olds.has(producerId));
    const check = () => {
      if (swappedAt === null && transports.swapped()) {
        swappedAt = Date.now();
        log.info(`swapped after ${swappedAt - startedAt} ms`);
      }
      const settled = swappedAt !== null && (!showsOldProducers() || Date.now() - swappedAt >= NEW_PRODUCERS_WAIT_MS);
      const done = settled || transports.current() !== session;
      if (!done && Date.now() - startedAt < MIGRATE_GIVE_UP_MS) {
        this.migrateTimer = setTimeout(check, MIGRATE_POLL_MS);
        return;
      }
      const sentAt = Date.now();
      log.info(`switched after ${sentAt - startedAt} ms: sfu:migrated`);
      client
        .request(SfuEvents.migrated, { meetingId }, { timeoutMs: 10_000 })
        .then(() => log.info(`sfu:migrated answered after ${Date.now() - sentAt} ms: the old session may close`))
        .catch((error: unknown) => log.warn('sfu:migrated was not answered', error))
        .finally(() => release?.());
    };
    this.migrateTimer = setTimeout(check, MIGRATE_POLL_MS);
  }

  close(): void {
    clearTimeout(this.migrateTimer);
  }

  /** A session of `mode` with every current participant added (null, and `unsupported`, if none). */
  private newSession(mode: MeetingMode): MeetingSession | null {
    const self = this.deps.selfPeerId();
    const media = this.deps.local();
    if (!self || !media) {
      this.deps.log.warn(`no ${mode} session without a peer id and local media`);
      this.deps.unsupported(mode);
      return null;
    }
    const ice = this.deps.ice();
    const session = createSession(mode, {
      meetingId: this.deps.meetingId,
      selfPeerId: self,
      iceServers: this.deps.iceServers(),
      ...(ice ? { ice } : {}),
      client: this.deps.client,
      local: media,
    });
    if (!session) {
      this.deps.unsupported(mode);
      return null;
    }
    for (const participant of this.deps.participants()) session.addPeer(participant, { initiate: true });
    return session;
  }
}
