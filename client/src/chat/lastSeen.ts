import { relativeTime } from './relativeTime.js';

/** "Online", "Last seen 5 min ago", "Last seen yesterday", or "Offline" when unknown. */
export function presenceText(online: boolean, lastSeenAt: string | null | undefined, now: number): string {
  if (online) return 'Online';
  if (!lastSeenAt) return 'Offline';
  const when = relativeTime(lastSeenAt, now);
  if (when === 'just now') return 'Last seen just now';
  if (/^\d+ (min|h)$/.test(when)) return `Last seen ${when} ago`;
  if (when === 'yesterday') return 'Last seen yesterday';
  return `Last seen ${when}`;
}
