import { A } from '@solidjs/router';
import { Match, Show, Switch } from 'solid-js';
import { Button } from '../../ui/Button.js';
import type { MeetingCall } from '../call/createMeetingCall.js';
import { MeetingIcon } from './meetingIcons.js';
import styles from './CallStatus.module.css';

function endedText(call: MeetingCall): string {
  switch (call.endReason()) {
    case 'stopped':
      return call.isHost() ? 'You ended the meeting for everyone.' : 'The host ended the meeting for everyone.';
    case 'empty':
      return 'Everyone had left, so the meeting was closed.';
    case 'host_left':
      return 'The host left and the meeting was closed.';
    default:
      return 'This meeting is over.';
  }
}

/** What the page shows instead of the call: joining, left, ended, replaced, unavailable, failed. */
export function CallStatus(props: { call: MeetingCall }) {
  const phase = () => props.call.phase();
  const Home = () => (
    <A href="/" class={styles.home} data-testid="meeting-home">
      Back to Parley
    </A>
  );
  return (
    <div class={styles.status} data-testid="meeting-status" data-phase={phase()}>
      <Switch>
        <Match when={phase() === 'starting' || phase() === 'media' || phase() === 'joining'}>
          <span class={styles.spinner} aria-hidden="true" />
          <p class={styles.title} role="status">
            {phase() === 'media' ? 'Starting your camera and microphone…' : 'Joining the meeting…'}
          </p>
        </Match>
        <Match when={phase() === 'lobby'}>
          <div class={styles.card} data-testid="meeting-lobby">
            <span class={styles.spinner} aria-hidden="true" />
            <h2 class={styles.title}>Waiting for the host to let you in</h2>
            <p class={styles.body}>This meeting is locked. The host has been told you are here.</p>
            <div class={styles.actions}>
              <Home />
            </div>
          </div>
        </Match>
        <Match when={phase() === 'removed'}>
          <div class={styles.card} data-testid="meeting-removed">
            <span class={styles.icon}>
              <MeetingIcon name="hangup" size={28} />
            </span>
            <h2 class={styles.title}>You were removed from the meeting</h2>
            <p class={styles.body}>The host removed you. You can join again only if the host invites you again.</p>
            <div class={styles.actions}>
              <Home />
            </div>
          </div>
        </Match>
        <Match when={phase() === 'ended'}>
          <div class={styles.card} data-testid="meeting-ended" data-reason={props.call.endReason() ?? ''}>
            <span class={styles.icon}>
              <MeetingIcon name="hangup" size={28} />
            </span>
            <h2 class={styles.title}>The meeting has ended</h2>
            <p class={styles.body}>{endedText(props.call)}</p>
            <div class={styles.actions}>
              <Home />
            </div>
          </div>
        </Match>
        <Match when={phase() === 'left'}>
          <div class={styles.card} data-testid="meeting-left">
            <span class={styles.icon}>
              <MeetingIcon name="hangup" size={28} />
            </span>
            <h2 class={styles.title}>You left the meeting</h2>
            <div class={styles.actions}>
              <Button variant="primary" onClick={() => props.call.rejoin()} data-testid="rejoin">
                Rejoin
              </Button>
              <Home />
            </div>
          </div>
        </Match>
        <Match when={phase() === 'replaced'}>
          <div class={styles.card} data-testid="meeting-replaced">
            <span class={styles.icon}>
              <MeetingIcon name="video" size={28} />
            </span>
            <h2 class={styles.title}>You joined from somewhere else</h2>
            <p class={styles.body}>This meeting is open in another tab or on another device.</p>
            <div class={styles.actions}>
              <Button variant="primary" onClick={() => props.call.rejoin()} data-testid="rejoin">
                Join here instead
              </Button>
              <Home />
            </div>
          </div>
        </Match>
        <Match when={phase() === 'unavailable' || phase() === 'error'}>
          <div class={styles.card} data-testid="meeting-error">
            <h2 class={styles.title}>{phase() === 'unavailable' ? 'Meeting not available' : 'Could not join'}</h2>
            <p class={styles.body}>{props.call.error()}</p>
            <div class={styles.actions}>
              <Show when={phase() === 'error'}>
                <Button variant="primary" onClick={() => props.call.rejoin()} data-testid="rejoin">
                  Try again
                </Button>
              </Show>
              <Home />
            </div>
          </div>
        </Match>
      </Switch>
    </div>
  );
}
