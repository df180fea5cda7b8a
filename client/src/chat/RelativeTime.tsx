import { minuteClock } from '../state/clock.js';
import { fullTime, relativeTime } from './relativeTime.js';

/** A <time> that reads "just now", "5 min", "yesterday"… and refreshes every minute. */
export function RelativeTime(props: { iso: string; class?: string }) {
  const text = () => relativeTime(props.iso, minuteClock());
  return (
    <time class={props.class} datetime={props.iso} title={fullTime(props.iso)}>
      {text()}
    </time>
  );
}
