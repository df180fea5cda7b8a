import type { User } from '@parley/protocol';
import { createSignal, For, Show } from 'solid-js';
import { Avatar } from '../../ui/Avatar.js';
import type { MeetingCall } from '../call/createMeetingCall.js';
import { orderPeople, type PersonEntry } from '../room/peopleOrder.js';
import type { RoomState } from '../room/createRoomState.js';
import { MeetingIcon } from './meetingIcons.js';
import styles from './ParticipantPanel.module.css';

interface RowState {
  host: boolean;
  micMuted: boolean;
  cameraOff: boolean;
  sharing: boolean;
  connecting?: boolean;
}

function Row(props: { person: PersonEntry; state: RowState; room: RoomState; moderate: boolean }) {
  const peerId = () => props.person.peerId;
  const action = (testId: string, label: string, run: () => void) => (
    <button type="button" class={styles.action} data-testid={testId} title={label} aria-label={label} onClick={run}>
      {label}
    </button>
  );
  return (
    <li
      class={styles.row}
      data-testid="participant"
      data-peer-id={peerId() ?? undefined}
      data-user-id={props.person.user.id}
      data-hand={props.person.hand ?? undefined}
    >
      <Avatar name={props.person.user.displayName} seed={props.person.user.id} size={34} />
      <div class={styles.who}>
        <span class={styles.name}>
          <Show when={props.person.hand}>
            <span class={styles.hand} data-testid="participant-hand">
              <MeetingIcon name="hand" size={14} />
              {props.person.hand}{' '}
            </span>
          </Show>
          {props.person.user.displayName}
          <Show when={props.person.you}>
            <span class={styles.you}> (you)</span>
          </Show>
        </span>
        <span class={styles.meta}>
          {props.state.host ? 'Host' : `@${props.person.user.username}`}
          <Show when={props.state.connecting}> · connecting…</Show>
        </span>
        <Show when={props.moderate && peerId()}>
          {(id) => (
            <div class={styles.actions}>
              <Show when={props.person.hand}>
                {action('lower-hand', 'Lower hand', () => void props.room.lowerHand(id()))}
              </Show>
              {action('mute-audio', 'Mute', () => void props.room.mute(id(), 'audio'))}
              {action('mute-video', 'Stop video', () => void props.room.mute(id(), 'video'))}
              {action('remove-participant', 'Remove', () => void props.room.remove(id()))}
            </div>
          )}
        </Show>
      </div>
      <div class={styles.states}>
        <Show when={props.state.sharing}>
          <span title="Sharing the screen">
            <MeetingIcon name="screen" size={18} />
          </span>
        </Show>
        <span
          class={props.state.cameraOff ? styles.offIcon : ''}
          title={props.state.cameraOff ? 'Camera off' : 'Camera on'}
        >
          <MeetingIcon name={props.state.cameraOff ? 'camera-off' : 'camera'} size={18} />
        </span>
        <span
          class={props.state.micMuted ? styles.offIcon : ''}
          title={props.state.micMuted ? 'Muted' : 'Microphone on'}
        >
          <MeetingIcon name={props.state.micMuted ? 'mic-off' : 'mic'} size={18} />
        </span>
      </div>
    </li>
  );
}

/**
 * Everyone in the call, searchable, raised hands first (queue order), then speakers, then the
 * rest; for the host, per person: lower hand, mute, stop video, remove; and for the meeting:
 * mute everyone, lock (with the lobby).
 */
export function ParticipantPanel(props: { call: MeetingCall; room: RoomState; self: User; onClose: () => void }) {
  const [query, setQuery] = createSignal('');
  const hostId = () => props.call.meeting()?.hostId;
  const local = () => props.call.local();
  const moderate = () => props.call.isHost();
  const people = () => {
    const self: PersonEntry = {
      user: props.self,
      peerId: props.call.selfPeerId(),
      you: true,
      hand: props.room.handOrder(props.self.id),
      speaking: props.call.activeSpeaker() === props.call.selfPeerId() || !(local()?.micMuted() ?? true),
    };
    const others = props.call.participants().map((participant): PersonEntry => {
      const media = props.call.media(participant.peerId);
      return {
        user: participant.user,
        peerId: participant.peerId,
        hand: props.room.handOrder(participant.user.id),
        speaking: props.call.activeSpeaker() === participant.peerId || media?.micMuted === false,
      };
    });
    return orderPeople([self, ...others], query());
  };
  const stateOf = (person: PersonEntry): RowState => {
    if (person.you) {
      return {
        host: hostId() === props.self.id,
        micMuted: local()?.micMuted() ?? true,
        cameraOff: local()?.cameraOff() ?? true,
        sharing: local()?.sharing() ?? false,
      };
    }
    const media = props.call.media(person.peerId ?? '');
    return {
      host: hostId() === person.user.id,
      micMuted: (media?.micMuted ?? false) || props.room.hostMuted(person.peerId ?? '', 'audio'),
      cameraOff: (media?.cameraOff ?? false) || props.room.hostMuted(person.peerId ?? '', 'video'),
      sharing: !!media?.screen,
      connecting: media?.state !== 'connected',
    };
  };
  return (
    <aside class={styles.panel} aria-label="People in the call" data-testid="participant-panel">
      <div class={styles.header}>
        <h2 class={styles.title}>People ({props.call.participants().length + 1})</h2>
        <button
          type="button"
          class={styles.close}
          aria-label="Close the list of people"
          onClick={() => props.onClose()}
        >
          ×
        </button>
      </div>
      <Show when={moderate()}>
        <div class={styles.hostBar}>
          <button
            type="button"
            class={styles.action}
            data-testid="mute-everyone"
            onClick={() => void props.room.muteEveryone()}
          >
            Mute everyone
          </button>
          <label class={styles.lock}>
            <input
              type="checkbox"
              data-testid="lock-meeting"
              checked={props.room.locked()}
              onChange={(event) => void props.room.setLocked(event.currentTarget.checked)}
            />
            <MeetingIcon name="lock" size={16} /> Lock (lobby)
          </label>
        </div>
      </Show>
      <input
        class={styles.search}
        type="search"
        placeholder="Search people"
        aria-label="Search people"
        data-testid="people-search"
        value={query()}
        onInput={(event) => setQuery(event.currentTarget.value)}
      />
      <ul class={styles.list}>
        <For each={people()}>
          {(person) => (
            <Row person={person} state={stateOf(person)} room={props.room} moderate={moderate() && !person.you} />
          )}
        </For>
      </ul>
    </aside>
  );
}
