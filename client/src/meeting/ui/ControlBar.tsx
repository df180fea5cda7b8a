import { REACTION_EMOJI } from '@parley/protocol';
import { createSignal, For, Show } from 'solid-js';
import type { MeetingCall } from '../call/createMeetingCall.js';
import type { RoomState } from '../room/createRoomState.js';
import { DeviceSettings } from './DeviceSettings.js';
import { MeetingIcon, type MeetingIconName } from './meetingIcons.js';
import styles from './ControlBar.module.css';

function ControlButton(props: {
  icon: MeetingIconName;
  label: string;
  testId: string;
  onClick: () => void;
  pressed?: boolean;
  off?: boolean;
  danger?: boolean;
  disabled?: boolean;
  badge?: number;
  expanded?: boolean;
}) {
  return (
    <button
      type="button"
      class={`${styles.control} ${props.off ? styles.off : ''} ${props.danger ? styles.danger : ''} ${props.pressed ? styles.pressed : ''}`}
      aria-pressed={props.pressed === undefined ? undefined : props.pressed}
      aria-expanded={props.expanded}
      aria-label={props.label}
      title={props.label}
      disabled={props.disabled}
      data-testid={props.testId}
      onClick={() => props.onClick()}
    >
      <span class={styles.icon}>
        <MeetingIcon name={props.icon} size={22} />
        <Show when={props.badge}>
          <span class={styles.badge}>{props.badge}</span>
        </Show>
      </span>
      <span class={styles.text}>{props.label}</span>
    </button>
  );
}

const canShareScreen =
  typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function';

/** Microphone, camera, screen, devices, hand, reactions, chat, people, leave and (host) end for everyone. */
export function ControlBar(props: {
  call: MeetingCall;
  room: RoomState;
  self: { id: string };
  chatOpen: boolean;
  onToggleChat: () => void;
  unread: number;
  participantsOpen: boolean;
  onToggleParticipants: () => void;
  settingsOpen: boolean;
  onToggleSettings: (open: boolean) => void;
}) {
  const local = () => props.call.local();
  const joined = () => props.call.phase() === 'joined';
  const micMuted = () => local()?.micMuted() ?? true;
  const cameraOff = () => local()?.cameraOff() ?? true;
  const sharing = () => local()?.sharing() ?? false;
  const handUp = () => props.room.handOrder(props.self.id) !== null;
  const [reactionsOpen, setReactionsOpen] = createSignal(false);

  return (
    <div class={styles.bar} role="toolbar" aria-label="Call controls" data-testid="call-controls">
      <div class={styles.group}>
        <ControlButton
          icon={micMuted() ? 'mic-off' : 'mic'}
          label={micMuted() ? 'Unmute' : 'Mute'}
          testId="toggle-mic"
          pressed={!micMuted()}
          off={micMuted()}
          disabled={!local()?.hasMic()}
          onClick={() => local()?.setMicMuted(!micMuted())}
        />
        <ControlButton
          icon={cameraOff() ? 'camera-off' : 'camera'}
          label={cameraOff() ? 'Start video' : 'Stop video'}
          testId="toggle-camera"
          pressed={!cameraOff()}
          off={cameraOff()}
          disabled={!local() || local()?.busy() === 'camera'}
          onClick={() => void local()?.setCameraOff(!cameraOff())}
        />
        <Show when={canShareScreen}>
          <ControlButton
            icon={sharing() ? 'screen-off' : 'screen'}
            label={sharing() ? 'Stop sharing' : 'Share screen'}
            testId="toggle-screen"
            pressed={sharing()}
            disabled={!joined() || local()?.busy() === 'screen'}
            onClick={() => (sharing() ? local()?.stopScreenShare() : void local()?.startScreenShare())}
          />
        </Show>
        <div class={styles.anchor}>
          <ControlButton
            icon="settings"
            label="Devices"
            testId="device-settings"
            expanded={props.settingsOpen}
            disabled={!local()}
            onClick={() => props.onToggleSettings(!props.settingsOpen)}
          />
          <Show when={props.settingsOpen && local()}>
            {(media) => <DeviceSettings media={media()} onClose={() => props.onToggleSettings(false)} />}
          </Show>
        </div>
        <ControlButton
          icon="hand"
          label={handUp() ? 'Lower hand' : 'Raise hand'}
          testId="toggle-hand"
          pressed={handUp()}
          disabled={!joined()}
          onClick={() => void props.room.raiseHand(!handUp())}
        />
        <div class={styles.anchor}>
          <ControlButton
            icon="smile"
            label="React"
            testId="reactions"
            expanded={reactionsOpen()}
            disabled={!joined()}
            onClick={() => setReactionsOpen(!reactionsOpen())}
          />
          <Show when={reactionsOpen()}>
            <div class={styles.reactions} role="menu" data-testid="reaction-menu">
              <For each={REACTION_EMOJI}>
                {(emoji) => (
                  <button
                    type="button"
                    role="menuitem"
                    class={styles.reactionButton}
                    data-testid="reaction-choice"
                    data-emoji={emoji}
                    onClick={() => {
                      setReactionsOpen(false);
                      void props.room.react(emoji);
                    }}
                  >
                    {emoji}
                  </button>
                )}
              </For>
            </div>
          </Show>
        </div>
        <ControlButton
          icon="chat"
          label="Chat"
          testId="toggle-chat"
          pressed={props.chatOpen}
          badge={props.unread}
          onClick={() => props.onToggleChat()}
        />
        <ControlButton
          icon="users"
          label="People"
          testId="toggle-participants"
          pressed={props.participantsOpen}
          badge={props.call.participants().length + 1}
          onClick={() => props.onToggleParticipants()}
        />
      </div>
      <div class={styles.group}>
        <ControlButton
          icon="hangup"
          label="Leave"
          testId="leave-meeting"
          danger
          onClick={() => void props.call.leave()}
        />
        <Show when={props.call.isHost()}>
          <ControlButton
            icon="end"
            label="End for all"
            testId="stop-meeting"
            danger
            onClick={() => void props.call.stop()}
          />
        </Show>
      </div>
    </div>
  );
}
