import { createSignal, onCleanup } from 'solid-js';
import { MeetingIcon } from './ui/meetingIcons.js';
import styles from './CopyLinkButton.module.css';

/** The address that opens a meeting: `<origin>/meet/<id>`. */
export function meetingLink(meetingId: string): string {
  return `${location.origin}/meet/${encodeURIComponent(meetingId)}`;
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (insecure origin) or no permission: the old way.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const done = document.execCommand('copy');
    area.remove();
    return done;
  }
}

/** "Copy link" that turns into "Copied" for two seconds. */
export function CopyLinkButton(props: { meetingId: string; tone?: 'dark' | 'light'; testId?: string; label?: string }) {
  const [copied, setCopied] = createSignal(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  async function copy() {
    if (!(await copyText(meetingLink(props.meetingId)))) return;
    setCopied(true);
    clearTimeout(timer);
    timer = setTimeout(() => setCopied(false), 2000);
  }

  return (
    <button
      type="button"
      class={`${styles.button} ${props.tone === 'light' ? styles.light : styles.dark}`}
      data-testid={props.testId ?? 'copy-meeting-link'}
      onClick={() => void copy()}
    >
      <MeetingIcon name={copied() ? 'check' : 'copy'} size={16} />
      <span aria-live="polite">{copied() ? 'Copied' : (props.label ?? 'Copy link')}</span>
    </button>
  );
}
