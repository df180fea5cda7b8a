import { useNavigate } from '@solidjs/router';
import { createSignal } from 'solid-js';
import { ApiError } from '../api/ApiError.js';
import { startMeeting } from '../state/meetings.js';
import { Button } from '../ui/Button.js';
import { MeetingIcon } from './ui/meetingIcons.js';

/**
 * "Meet" in a conversation: starts a meeting whose invitees are the conversation's members
 * (`start_meeting` with conversationId; they get the incoming-meeting toast) and opens it.
 */
export function StartMeetingButton(props: { conversationId: string; compact?: boolean }) {
  const navigate = useNavigate();
  const [starting, setStarting] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  async function start() {
    setStarting(true);
    setError(null);
    try {
      const meeting = await startMeeting({ conversationId: props.conversationId });
      navigate(`/meet/${encodeURIComponent(meeting.id)}`);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'Could not start a meeting.');
    } finally {
      setStarting(false);
    }
  }

  return (
    <Button
      variant="secondary"
      size="small"
      iconOnly={props.compact}
      loading={starting()}
      onClick={() => void start()}
      aria-label="Start a meeting with this conversation"
      title={error() ?? 'Start a meeting with this conversation'}
      data-testid="start-meeting"
      data-error={error() ?? undefined}
    >
      <MeetingIcon name="video" size={18} />
      {props.compact ? null : 'Meet'}
    </Button>
  );
}
