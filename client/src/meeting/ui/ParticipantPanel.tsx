import type { User } from '@parley/protocol';
import { For, Show } from 'solid-js';
import { Avatar } from '../../ui/Avatar.js';
import type { MeetingCall } from '../call/createMeetingCall.js';
import { MeetingIcon } from './meetingIcons.js';
import styles from './ParticipantPanel.module.css';

function Row(props: {
  user: User;
  you?: boolean;
  host: boolean;
  micMuted: boolean;
  cameraOff: boolean;
  sharing: boolean;
  peerId: string | null;
  connecting?: boolean;
}) {
  return (
    <li
      class={styles.row}
      data-testid="participant"
      data-peer-id={props.peerId ?? undefined}
      data-user-id={props.user.id}
    >
      <Avatar name={props.user.displayName} seed={props.user.id} size={34} />
      <div class={styles.who}>
        <span class={styles.name}>
          {props.user.displayName}
          <Show when={props.you}>
            <span class={styles.you}> (you)</span>
          </Show>
        </span>
        <span class={styles.meta}>
          {props.host ? 'Host' : `@${props.user.username}`}
          <Show when={props.connecting}> · connecting…</Show>
        </span>
      </div>
      <div class={styles.states}>
        <Show when={props.sharing}>
          <span title="Sharing the screen">
            <MeetingIcon name="screen" size={18} />
          </span>
        </Show>
        <span class={props.cameraOff ? styles.offIcon : ''} title={props.cameraOff ? 'Camera off' : 'Camera on'}>
          <MeetingIcon name={props.cameraOff ? 'camera-off' : 'camera'} size={18} />
        </span>
        <span class={props.micMuted ? styles.offIcon : ''} title={props.micMuted ? 'Muted' : 'Microphone on'}>
          <MeetingIcon name={props.micMuted ? 'mic-off' : 'mic'} size={18} />
        </span>
      </div>
    </li>
  );
}

/** Everyone in the call, this page's user first, with host, microphone, camera and screen state. */
export function ParticipantPanel(props: { call: MeetingCall; self: User; onClose: () => void }) {
  const hostId = () => props.call.meeting()?.hostId;
  const local = () => props.call.local();
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
      <ul class={styles.list}>
        <Row
          user={props.self}
          you
          peerId={props.call.selfPeerId()}
          host={hostId() === props.self.id}
          micMuted={local()?.micMuted() ?? true}
          cameraOff={local()?.cameraOff() ?? true}
          sharing={local()?.sharing() ?? false}
        />
        <For each={props.call.participants()}>
          {(participant) => {
            const media = () => props.call.media(participant.peerId);
            return (
              <Row
                user={participant.user}
                peerId={participant.peerId}
                host={hostId() === participant.user.id}
                micMuted={media()?.micMuted ?? false}
                cameraOff={media()?.cameraOff ?? false}
                sharing={!!media()?.screen}
                connecting={media()?.state !== 'connected'}
              />
            );
          }}
        </For>
      </ul>
    </aside>
  );
}
