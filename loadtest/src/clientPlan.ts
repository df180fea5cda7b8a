/**
 * Which clients a run has, in which order they join, and their accounts' names. Pure.
 * Senders join before receivers (so receivers' join → first frame is measured against video
 * that is already flowing), meetings interleaved so they fill up together.
 */
import type { ClientKind, ClientRole, ClientSpec } from './clientTypes.js';
import type { LoadTestOptions } from './options.js';

export interface PlannedClient {
  meeting: number;
  kind: ClientKind;
  role: ClientRole;
  /** 1-based among the clients of this kind and role in the meeting. */
  index: number;
  id: string;
  username: string;
}

type Counts = Pick<LoadTestOptions, 'meetings' | 'senders' | 'receivers' | 'botSenders' | 'botReceivers'>;

export function planClients(options: Counts, runTag: string): PlannedClient[] {
  const groups: { kind: ClientKind; role: ClientRole; count: number; letter: string }[] = [
    { kind: 'browser', role: 'sender', count: options.senders, letter: 'bs' },
    { kind: 'bot', role: 'sender', count: options.botSenders, letter: 'ts' },
    { kind: 'browser', role: 'receiver', count: options.receivers, letter: 'br' },
    { kind: 'bot', role: 'receiver', count: options.botReceivers, letter: 'tr' },
  ];
  const planned: PlannedClient[] = [];
  for (const group of groups) {
    for (let i = 1; i <= group.count; i++) {
      for (let meeting = 1; meeting <= options.meetings; meeting++) {
        const id = `m${meeting}-${group.kind}-${group.role}-${i}`;
        planned.push({
          meeting,
          kind: group.kind,
          role: group.role,
          index: i,
          id,
          username: `lt${runTag}.m${meeting}${group.letter}${i}`.toLowerCase().slice(0, 32),
        });
      }
    }
  }
  return planned;
}

/** A short tag that keeps usernames of different runs apart (base-36 time + random). */
export function runTag(now = Date.now()): string {
  return `${(now % 2_176_782_336).toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

export function specFor(
  planned: PlannedClient,
  base: {
    baseUrl: string;
    meetingId: string;
    password: string;
    video: ClientSpec['video'];
    /** Open microphones per meeting among the bots (senders first; default: the bot senders). */
    botMics?: number;
    botSenders?: number;
  },
): ClientSpec {
  const micReceivers = Math.max(0, (base.botMics ?? 0) - (base.botSenders ?? 0));
  const mic = planned.kind === 'bot' && planned.role === 'receiver' && planned.index <= micReceivers;
  return {
    id: planned.id,
    kind: planned.kind,
    role: planned.role,
    baseUrl: base.baseUrl,
    meetingId: base.meetingId,
    email: planned.username,
    password: base.password,
    video: base.video,
    index: planned.index,
    ...(mic ? { mic: true } : {}),
  };
}
