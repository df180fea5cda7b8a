import type { User } from '@parley/protocol';
import { A, useParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import type { SocketClient } from '../api/socket.js';
import { realtime } from '../state/realtime.js';
import { session } from '../state/session.js';
import { Icon } from '../ui/icons.js';
import { useTitle } from '../ui/useTitle.js';
import { createMeetingCall, type MeetingCall } from './call/createMeetingCall.js';
import { CopyLinkButton } from './CopyLinkButton.js';
import { IncomingMeetingToasts } from './IncomingMeetingToasts.js';
import { CallStage } from './ui/CallStage.js';
import { CallStatus } from './ui/CallStatus.js';
import { ControlBar } from './ui/ControlBar.js';
import { ParticipantPanel } from './ui/ParticipantPanel.js';
import { audioBlocked, unblockAudio } from './ui/RemoteAudio.js';
import { MeetingIcon } from './ui/meetingIcons.js';
import { createRoomState } from './room/createRoomState.js';
import { LobbyBanner } from './room/LobbyBanner.js';
import { followMeetingConversation } from './room/meetingConversation.js';
import { MeetingChatPanel, meetingChatUnread } from './room/MeetingChatPanel.js';
import styles from './MeetingPage.module.css';

function MeetingHeader(props: { meetingId: string; call: MeetingCall | null }) {
  const title = () => props.call?.meeting()?.title ?? 'Meeting';
  const count = () => (props.call?.phase() === 'joined' ? props.call.participants().length + 1 : null);
  return (
    <header class={styles.bar}>
      <A href="/" class={styles.back} aria-label="Leave and go back">
        <Icon name="arrow-left" size={18} />
        <span class={styles.backLabel}>Back</span>
      </A>
      <div class={styles.info}>
        <h1 class={styles.title} data-testid="meeting-title">
          {title()}
        </h1>
        <p class={styles.id} data-testid="meeting-id">
          {props.meetingId}
        </p>
      </div>
      <Show when={count()}>
        <span class={styles.count} title="People in the call">
          <MeetingIcon name="users" size={16} />
          {count()}
        </span>
      </Show>
      <Show when={props.call?.phase() === 'joined'}>
        <CopyLinkButton meetingId={props.meetingId} />
      </Show>
      <div class={styles.mode} data-testid="meeting-mode" title="How media travels in this call">
        {props.call?.mode() ?? 'mesh'}
      </div>
    </header>
  );
}

function CallView(props: { meetingId: string; client: SocketClient; user: User }) {
  const call = createMeetingCall(props.meetingId, props.client, props.user.id);
  const room = createRoomState(call, props.client, props.meetingId);
  const [peopleOpen, setPeopleOpen] = createSignal(false);
  const [chatOpen, setChatOpen] = createSignal(false);
  const conversationId = () => call.meeting()?.conversationId;
  followMeetingConversation(call);
  const [settingsOpen, setSettingsOpen] = createSignal(false);
  const inCall = () => call.phase() === 'joined' || call.phase() === 'reconnecting';
  useTitle(() => call.meeting()?.title ?? 'Meeting');

  return (
    <div class={styles.page} data-testid="meeting-page" data-phase={call.phase()}>
      <MeetingHeader meetingId={props.meetingId} call={call} />
      <Show when={inCall() && (call.local()?.notice() ?? call.error())}>
        {(text) => (
          <div class={styles.banner} role="alert" data-testid="meeting-notice">
            <span>{text()}</span>
            <button type="button" class={styles.bannerButton} onClick={() => call.local()?.dismissNotice()}>
              Dismiss
            </button>
          </div>
        )}
      </Show>
      <Show when={inCall() && room.notice()}>
        {(text) => (
          <div class={styles.banner} role="status" data-testid="room-notice">
            <span>{text()}</span>
            <button type="button" class={styles.bannerButton} onClick={() => room.dismissNotice()}>
              Dismiss
            </button>
          </div>
        )}
      </Show>
      <Show when={inCall() && audioBlocked()}>
        <div class={styles.banner} role="status">
          <span>Your browser paused the sound of the call.</span>
          <button type="button" class={styles.bannerButton} onClick={unblockAudio} data-testid="enable-audio">
            <MeetingIcon name="volume" size={16} /> Turn on sound
          </button>
        </div>
      </Show>
      <div class={styles.body}>
        <Show when={inCall()} fallback={<CallStatus call={call} />}>
          <main class={styles.stage}>
            <CallStage call={call} self={props.user} room={room} />
            <Show when={call.isHost()}>
              <LobbyBanner room={room} />
            </Show>
            <Show when={call.phase() === 'reconnecting'}>
              <div class={styles.reconnecting} role="status" data-testid="meeting-reconnecting">
                <span class={styles.spinner} aria-hidden="true" />
                Reconnecting…
              </div>
            </Show>
          </main>
          <Show when={chatOpen() && conversationId()} keyed>
            {(id) => <MeetingChatPanel conversationId={id} onClose={() => setChatOpen(false)} />}
          </Show>
          <Show when={peopleOpen()}>
            <ParticipantPanel call={call} room={room} self={props.user} onClose={() => setPeopleOpen(false)} />
          </Show>
        </Show>
      </div>
      <Show when={inCall()}>
        <ControlBar
          call={call}
          room={room}
          self={props.user}
          chatOpen={chatOpen()}
          onToggleChat={() => setChatOpen(!chatOpen())}
          unread={chatOpen() ? 0 : meetingChatUnread(conversationId())}
          participantsOpen={peopleOpen()}
          onToggleParticipants={() => setPeopleOpen(!peopleOpen())}
          settingsOpen={settingsOpen()}
          onToggleSettings={setSettingsOpen}
        />
      </Show>
      <IncomingMeetingToasts exceptMeetingId={props.meetingId} />
    </div>
  );
}

/**
 * `/meet/:meetingId`: joins the meeting as soon as the page is logged in (a reload joins again
 * on its own), shows the call, and leaves when the page is left.
 */
export function MeetingPage() {
  const params = useParams<{ meetingId: string }>();
  return (
    <Show when={params.meetingId} keyed>
      {(meetingId) => (
        <Show
          when={realtime()}
          keyed
          fallback={
            <div class={styles.page} data-testid="meeting-page" data-phase="starting">
              <MeetingHeader meetingId={meetingId} call={null} />
            </div>
          }
        >
          {(client) => (
            <Show when={session.user()} keyed>
              {(user) => <CallView meetingId={meetingId} client={client} user={user} />}
            </Show>
          )}
        </Show>
      )}
    </Show>
  );
}
