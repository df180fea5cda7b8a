import { calendarDaysBetween } from './relativeTime.js';
import type { ChatMessage } from './thread.js';

/** A pause longer than this starts a new run of bubbles even from the same sender. */
export const RUN_GAP_MS = 5 * 60_000;

export interface MessagePlacement {
  /** First of a run of messages by the same sender (shows the name, time and avatar). */
  groupStart: boolean;
  /** Last of its run (rounds the bubble's tail). */
  groupEnd: boolean;
  mine: boolean;
  senderName: string;
  /** Group conversations name the sender of others' messages. */
  showName: boolean;
}

export interface MessageLayout {
  placement: MessagePlacement;
  /** The first message of a calendar day (a day divider goes above it). */
  startsDay: boolean;
}

function sameDay(a: ChatMessage, b: ChatMessage): boolean {
  return calendarDaysBetween(Date.parse(a.createdAt), Date.parse(b.createdAt)) === 0;
}

/** Two neighbours belong to one run: same sender, same day, less than RUN_GAP_MS apart. */
export function sameRun(a: ChatMessage | undefined, b: ChatMessage | undefined): boolean {
  if (!a || !b || a.senderId !== b.senderId) return false;
  return Math.abs(Date.parse(b.createdAt) - Date.parse(a.createdAt)) < RUN_GAP_MS && sameDay(a, b);
}

/**
 * Where each message goes: runs of bubbles per sender and day dividers, in one pass. The first
 * unread message (below the "New" line) always starts a run.
 */
export function layoutMessages(
  items: readonly ChatMessage[],
  options: {
    myId: string;
    isGroup: boolean;
    firstUnread?: ChatMessage | undefined;
    nameOf: (userId: string) => string;
  },
): MessageLayout[] {
  return items.map((item, index) => {
    const previous = items[index - 1];
    const next = items[index + 1];
    const mine = item.senderId === options.myId;
    return {
      placement: {
        mine,
        groupStart: !sameRun(previous, item) || item === options.firstUnread,
        groupEnd: !sameRun(item, next) || next === options.firstUnread,
        senderName: mine ? 'You' : options.nameOf(item.senderId),
        showName: options.isGroup,
      },
      startsDay: !previous || !sameDay(previous, item),
    };
  });
}
