import { useLocation, useNavigate } from '@solidjs/router';
import { For } from 'solid-js';
import type { Meeting } from '@parley/protocol';
import { conversationTitle } from '../chat/conversationInfo.js';
import { conversations } from '../state/conversations.js';
import { meetings } from '../state/meetings.js';
import { session } from '../state/session.js';
import { MeetingIcon } from './ui/meetingIcons.js';
import styles from './IncomingMeetingToasts.module.css';

/** The name of the conversation a meeting was started from, when this page knows it. */
function conversationOf(meeting: Meeting): string | null {
  const conversation = meeting.conversationId ? conversations.get(meeting.conversationId) : undefined;
  const me = session.user()?.id;
  return conversation && me ? conversationTitle(conversation, me) : null;
}

/**
 * "X's meeting is on — Join / Decline" for every ongoing meeting this user may join and has not
 * declined, except the one open on this page. It appears on `meeting_invitation` (active),
 * after login for meetings already running, and disappears when the meeting ends (inactive).
 */
export function IncomingMeetingToasts(props: { exceptMeetingId?: string }) {
  const navigate = useNavigate();
  const location = useLocation();
  const openMeeting = () => /^\/meet\/([^/]+)/.exec(location.pathname)?.[1];
  const visible = () =>
    session.user()
      ? meetings
          .invitations()
          .filter((meeting) => meeting.id !== props.exceptMeetingId && encodeURIComponent(meeting.id) !== openMeeting())
          .slice(-3)
      : [];

  return (
    <div class={styles.stack} aria-live="polite" data-testid="meeting-toasts">
      <For each={visible()}>
        {(meeting) => {
          const own = () => meeting.hostId === session.user()?.id;
          const place = () => conversationOf(meeting);
          return (
            <div
              class={styles.toast}
              role="group"
              aria-label={`Meeting: ${meeting.title}`}
              data-testid="meeting-toast"
              data-meeting-id={meeting.id}
            >
              <span class={styles.icon}>
                <MeetingIcon name="video" size={20} />
              </span>
              <div class={styles.text}>
                <p class={styles.title}>{meeting.title}</p>
                <p class={styles.body}>
                  {own()
                    ? 'Your meeting is still going on'
                    : place()
                      ? `Started in ${place()}`
                      : 'You are invited to join now'}
                </p>
              </div>
              <div class={styles.actions}>
                <button
                  type="button"
                  class={`${styles.button} ${styles.decline}`}
                  data-testid="toast-decline"
                  onClick={() => meetings.dismiss(meeting.id)}
                >
                  {own() ? 'Dismiss' : 'Decline'}
                </button>
                <button
                  type="button"
                  class={`${styles.button} ${styles.join}`}
                  data-testid="toast-join"
                  onClick={() => {
                    meetings.dismiss(meeting.id);
                    navigate(`/meet/${encodeURIComponent(meeting.id)}`);
                  }}
                >
                  Join
                </button>
              </div>
            </div>
          );
        }}
      </For>
    </div>
  );
}
