import type { Meeting } from '@parley/protocol';
import { A } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { ApiError } from '../api/ApiError.js';
import { meetings, startMeeting } from '../state/meetings.js';
import { Alert } from '../ui/Alert.js';
import { Button } from '../ui/Button.js';
import { Icon } from '../ui/icons.js';
import { CopyLinkButton, meetingLink } from './CopyLinkButton.js';
import styles from './MeetingsPanel.module.css';

/**
 * The meetings area of the home pane: "New meeting" creates a link meeting (anyone logged in
 * with the link may join) and shows its link; the ongoing meetings this user may join are
 * listed with a Join button.
 */
export function MeetingsPanel() {
  const [starting, setStarting] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [created, setCreated] = createSignal<Meeting | null>(null);

  async function newMeeting() {
    setError(null);
    setStarting(true);
    try {
      setCreated(await startMeeting({ access: 'link' }));
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'Could not start a meeting.');
    } finally {
      setStarting(false);
    }
  }

  const others = () => meetings.ongoing().filter((meeting) => meeting.id !== created()?.id);
  const subtitle = () => {
    const count = meetings.ongoing().length;
    return count === 0
      ? 'No meetings in progress.'
      : count === 1
        ? '1 meeting in progress.'
        : `${count} meetings in progress.`;
  };

  return (
    <section class={styles.panel} aria-labelledby="meetings-title" data-testid="meetings-area">
      <div class={styles.top}>
        <span class={styles.icon}>
          <Icon name="video" size={22} />
        </span>
        <div class={styles.text}>
          <h2 class={styles.title} id="meetings-title">
            Meetings
          </h2>
          <p class={styles.subtitle}>{subtitle()}</p>
        </div>
        <Button variant="primary" onClick={() => void newMeeting()} loading={starting()} data-testid="new-meeting">
          <Show when={!starting()}>
            <Icon name="plus" size={18} />
          </Show>
          New meeting
        </Button>
      </div>
      <Show when={error()}>
        <Alert>{error()}</Alert>
      </Show>
      <Show when={created()}>
        {(meeting) => (
          <div class={styles.created} data-testid="new-meeting-card" data-meeting-id={meeting().id}>
            <p class={styles.createdTitle}>Your meeting is ready</p>
            <p class={styles.hint}>
              Share this link with the people you want to meet. Anyone with a Parley account can join.
            </p>
            <div class={styles.linkRow}>
              <input
                class={styles.link}
                readOnly
                value={meetingLink(meeting().id)}
                aria-label="Meeting link"
                data-testid="meeting-link"
                onFocus={(event) => event.currentTarget.select()}
              />
              <CopyLinkButton meetingId={meeting().id} tone="light" />
            </div>
            <A
              href={`/meet/${encodeURIComponent(meeting().id)}`}
              class={styles.joinLink}
              data-testid="join-new-meeting"
            >
              <Icon name="video" size={18} />
              Join now
            </A>
          </div>
        )}
      </Show>
      <Show when={others().length > 0}>
        <ul class={styles.list} aria-label="Meetings in progress">
          <For each={others()}>
            {(meeting) => (
              <li class={styles.item} data-testid="ongoing-meeting" data-meeting-id={meeting.id}>
                <span class={styles.live} aria-hidden="true" />
                <span class={styles.itemTitle}>{meeting.title}</span>
                <A href={`/meet/${encodeURIComponent(meeting.id)}`} class={styles.itemJoin}>
                  Join
                </A>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
