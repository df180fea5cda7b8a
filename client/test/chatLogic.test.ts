/**
 * Unit tests of the chat client's pure logic (client/src/chat): merging history, events and
 * this tab's sends into one ordered thread, message id order, relative times, links, the typing
 * indicator's wording and throttle, and how messages are grouped. No browser needed; the chat
 * browser tests are test/browser/chat*.test.ts.
 */
import type { Conversation, Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { conversationTitle, memberNames } from '../src/chat/conversationInfo.js';
import { presenceText } from '../src/chat/lastSeen.js';
import { linkify } from '../src/chat/linkify.js';
import { compareMessageIds, isAfter } from '../src/chat/messageIds.js';
import { layoutMessages } from '../src/chat/messageLayout.js';
import { dayLabel, relativeTime } from '../src/chat/relativeTime.js';
import {
  addUnconfirmed,
  confirmedCount,
  emptyThread,
  mergeConfirmed,
  mergeLatest,
  mergeOlder,
  newestConfirmed,
  setUnconfirmedStatus,
  type ChatMessage,
  type ThreadState,
} from '../src/chat/thread.js';
import { TypingEmitter } from '../src/chat/TypingEmitter.js';
import { typingText } from '../src/chat/typingText.js';

const ME = 'me';
const THEM = 'them';
const T0 = Date.parse('2025-03-14T12:00:00Z');

function message(id: number | string, senderId = THEM, extra: Partial<Message> = {}): Message {
  return {
    id: String(id),
    conversationId: 'c1',
    senderId,
    text: `text ${id}`,
    clientId: `client-${senderId}-${id}`,
    createdAt: new Date(T0 + Number(id) * 1000).toISOString(),
    ...extra,
  };
}

function pending(clientId: string, text = clientId): ChatMessage {
  return {
    clientId,
    id: null,
    conversationId: 'c1',
    senderId: ME,
    text,
    createdAt: new Date(T0).toISOString(),
    status: 'pending',
  };
}

const ids = (thread: ThreadState) => thread.items.map((item) => item.id ?? `(${item.clientId})`);

describe('message ids', () => {
  it('compare numerically as decimal strings, beyond 2^53', () => {
    expect(compareMessageIds('9', '10')).toBeLessThan(0);
    expect(compareMessageIds('9007199254740993', '9007199254740992')).toBeGreaterThan(0);
    expect(compareMessageIds('42', '42')).toBe(0);
    expect(isAfter('10', null)).toBe(true);
    expect(isAfter('10', '10')).toBe(false);
  });
});

describe('thread merging', () => {
  it('keeps confirmed messages in id order, unconfirmed ones after them, and drops duplicates', () => {
    const thread = emptyThread();
    mergeLatest(thread, [message(2), message(3)], ME, 50);
    addUnconfirmed(thread, pending('a'));
    expect(mergeConfirmed(thread, message(5), ME)).toBe('added');
    expect(mergeConfirmed(thread, message(4), ME)).toBe('added');
    expect(mergeConfirmed(thread, message(4), ME)).toBe('duplicate');
    expect(ids(thread)).toEqual(['2', '3', '4', '5', '(a)']);
    expect(thread.loaded).toBe(true);
    expect(thread.hasMore).toBe(false);
    expect(confirmedCount(thread)).toBe(4);
    expect(newestConfirmed(thread)?.id).toBe('5');
  });

  it('confirms this tab’s pending message in place: same object, id order, status sent', () => {
    const thread = emptyThread();
    mergeLatest(thread, [message(1)], ME, 50);
    const mine = pending('x');
    addUnconfirmed(thread, mine);
    addUnconfirmed(thread, pending('y'));
    // Someone else's message is stored before mine is acknowledged.
    mergeConfirmed(thread, message(2), ME);
    const stored = message(3, ME, { clientId: 'x', text: 'x' });
    expect(mergeConfirmed(thread, stored, ME)).toBe('confirmed');
    expect(ids(thread)).toEqual(['1', '2', '3', '(y)']);
    expect(thread.items[2]).toBe(mine);
    expect(mine).toMatchObject({ id: '3', status: 'sent', createdAt: stored.createdAt });
    // The ack after the event (or the event after the ack) changes nothing.
    expect(mergeConfirmed(thread, stored, ME)).toBe('duplicate');
    expect(thread.items).toHaveLength(4);
  });

  it('only confirms pending messages of the same sender and clientId', () => {
    const thread = emptyThread();
    addUnconfirmed(thread, pending('shared'));
    expect(mergeConfirmed(thread, message(7, THEM, { clientId: 'shared' }), ME)).toBe('added');
    expect(ids(thread)).toEqual(['7', '(shared)']);
  });

  it('turns a failed message back to sent when it turns out to be stored', () => {
    const thread = emptyThread();
    addUnconfirmed(thread, pending('late'));
    expect(setUnconfirmedStatus(thread, 'late', 'failed', 'No answer')).toBe(true);
    expect(thread.items[0]).toMatchObject({ status: 'failed', error: 'No answer' });
    mergeConfirmed(thread, message(9, ME, { clientId: 'late' }), ME);
    expect(thread.items[0]).toMatchObject({ id: '9', status: 'sent', error: undefined });
    expect(setUnconfirmedStatus(thread, 'late', 'failed')).toBe(false);
  });

  it('prepends older pages and knows when the beginning is reached', () => {
    const thread = emptyThread();
    mergeLatest(thread, [message(5), message(6)], ME, 2);
    expect(thread.hasMore).toBe(true);
    mergeOlder(thread, [message(3), message(4)], ME, 2);
    expect(thread.hasMore).toBe(true);
    mergeOlder(thread, [message(2)], ME, 2);
    expect(thread.hasMore).toBe(false);
    expect(ids(thread)).toEqual(['2', '3', '4', '5', '6']);
  });

  it('catching up merges a latest page that overlaps, and resets on a gap', () => {
    const thread = emptyThread();
    mergeLatest(thread, [message(1), message(2), message(3)], ME, 3);
    mergeLatest(thread, [message(3), message(4)], ME, 3);
    expect(ids(thread)).toEqual(['1', '2', '3', '4']);

    addUnconfirmed(thread, pending('keep'));
    // More than a page arrived while away: the latest page does not reach what is loaded.
    mergeLatest(thread, [message(10), message(11), message(12)], ME, 3);
    expect(ids(thread)).toEqual(['10', '11', '12', '(keep)']);
    expect(thread.hasMore).toBe(true);
  });
});

describe('relative times', () => {
  const now = new Date(2025, 2, 14, 15, 30).getTime();
  const at = (ms: number) => new Date(ms).toISOString();

  it('reads just now, minutes, hours, yesterday, a weekday, then a date', () => {
    expect(relativeTime(at(now - 20_000), now)).toBe('just now');
    expect(relativeTime(at(now + 5_000), now)).toBe('just now');
    expect(relativeTime(at(now - 5 * 60_000), now)).toBe('5 min');
    expect(relativeTime(at(now - 59 * 60_000), now)).toBe('59 min');
    expect(relativeTime(at(now - 3 * 3_600_000), now)).toBe('3 h');
    expect(relativeTime(at(new Date(2025, 2, 13, 23, 0).getTime()), now)).toBe('yesterday');
    expect(relativeTime(at(new Date(2025, 2, 11, 9, 0).getTime()), now, 'en-US')).toBe('Tue');
    expect(relativeTime(at(new Date(2025, 0, 2, 9, 0).getTime()), now, 'en-US')).toBe('Jan 2');
    expect(relativeTime(at(new Date(2023, 6, 4, 9, 0).getTime()), now, 'en-US')).toBe('Jul 4, 2023');
    expect(relativeTime('not a date', now)).toBe('');
  });

  it('labels days and last-seen times', () => {
    expect(dayLabel(at(now - 60_000), now)).toBe('Today');
    expect(dayLabel(at(new Date(2025, 2, 13, 8, 0).getTime()), now)).toBe('Yesterday');
    expect(presenceText(true, null, now)).toBe('Online');
    expect(presenceText(false, null, now)).toBe('Offline');
    expect(presenceText(false, at(now - 10_000), now)).toBe('Last seen just now');
    expect(presenceText(false, at(now - 7 * 60_000), now)).toBe('Last seen 7 min ago');
    expect(presenceText(false, at(new Date(2025, 2, 13, 8, 0).getTime()), now)).toBe('Last seen yesterday');
  });
});

describe('links in message text', () => {
  it('links only http(s) URLs, leaving sentence punctuation outside, and keeps every character', () => {
    const text =
      'See https://example.org/a?b=1. Or (https://en.wikipedia.org/wiki/Foo_(bar)), javascript:alert(1) http://x.io!';
    const segments = linkify(text);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(segments.filter((s) => s.kind === 'link').map((s) => (s.kind === 'link' ? s.href : ''))).toEqual([
      'https://example.org/a?b=1',
      'https://en.wikipedia.org/wiki/Foo_(bar)',
      'http://x.io/',
    ]);
    expect(linkify('<b>no links</b>')).toEqual([{ kind: 'text', text: '<b>no links</b>' }]);
  });
});

describe('typing indicator', () => {
  it('names who is typing', () => {
    expect(typingText([])).toBe('');
    expect(typingText(['Ada'])).toBe('Ada is typing…');
    expect(typingText(['Ada', 'Bob'])).toBe('Ada and Bob are typing…');
    expect(typingText(['Ada', 'Bob', 'Cy'])).toBe('Ada, Bob and Cy are typing…');
    expect(typingText(['Ada', 'Bob', 'Cy', 'Di'])).toBe('Ada, Bob and 2 others are typing…');
  });

  it('emits true at most every 2 s while typing and false once when it stops', () => {
    let now = 0;
    const sent: boolean[] = [];
    const emitter = new TypingEmitter(
      (isTyping) => sent.push(isTyping),
      () => now,
    );
    for (now = 0; now < 5000; now += 250) emitter.input(true);
    expect(sent).toEqual([true, true, true]);
    emitter.stop();
    emitter.stop();
    emitter.input(false);
    expect(sent).toEqual([true, true, true, false]);
    now += 10;
    emitter.input(true);
    expect(sent).toEqual([true, true, true, false, true]);
    emitter.input(false);
    expect(sent.at(-1)).toBe(false);
    expect(emitter.isTyping).toBe(false);
  });
});

describe('grouping and names', () => {
  const conversation: Conversation = {
    id: 'c1',
    kind: 'group',
    title: '  ',
    members: [
      { id: ME, username: 'me', displayName: 'Me' },
      { id: 'a', username: 'ada', displayName: 'Ada' },
      { id: 'b', username: 'bob', displayName: 'Bob' },
      { id: 'c', username: 'cy', displayName: 'Cy' },
      { id: 'd', username: 'di', displayName: 'Di' },
    ],
    lastMessage: null,
    unreadCount: 0,
    lastReadMessageId: null,
    createdAt: new Date(T0).toISOString(),
  };

  it('groups runs per sender within five minutes and marks new days', () => {
    const items: ChatMessage[] = [
      { ...message(1, 'a'), status: 'sent' },
      { ...message(2, 'a'), status: 'sent' },
      { ...message(3, 'a', { createdAt: new Date(T0 + 10 * 60_000).toISOString() }), status: 'sent' },
      { ...message(4, ME, { createdAt: new Date(T0 + 11 * 60_000).toISOString() }), status: 'sent' },
      { ...message(5, ME, { createdAt: new Date(T0 + 26 * 3_600_000).toISOString() }), status: 'sent' },
    ];
    const layout = layoutMessages(items, {
      myId: ME,
      isGroup: true,
      nameOf: (id) => `name-${id}`,
      firstUnread: items[1],
    });
    expect(layout.map((l) => [l.placement.groupStart, l.placement.groupEnd])).toEqual([
      [true, true],
      [true, true],
      [true, true],
      [true, true],
      [true, true],
    ]);
    expect(layout.map((l) => l.startsDay)).toEqual([true, false, false, false, true]);
    expect(layout[0]!.placement).toMatchObject({ mine: false, senderName: 'name-a', showName: true });
    expect(layout[3]!.placement).toMatchObject({ mine: true, senderName: 'You' });
    const plain = layoutMessages(items.slice(0, 2), { myId: ME, isGroup: false, nameOf: () => '' });
    expect(plain.map((l) => [l.placement.groupStart, l.placement.groupEnd])).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it('names conversations after their title or their members', () => {
    expect(conversationTitle(conversation, ME)).toBe('Ada, Bob and 2 others');
    expect(memberNames(conversation, ME, 3)).toBe('Ada, Bob, Cy and Di');
    expect(conversationTitle({ ...conversation, title: 'Launch' }, ME)).toBe('Launch');
    const direct = { ...conversation, kind: 'direct' as const, members: conversation.members.slice(0, 2) };
    expect(conversationTitle(direct, ME)).toBe('Ada');
  });
});
