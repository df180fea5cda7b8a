import type { Meeting, StartMeeting } from '@parley/protocol';
import { ServerEvents } from '@parley/protocol';
import { createEffect, createRoot, createSignal, on, onCleanup } from 'solid-js';
import { meetingsApi } from '../meeting/meetingsApi.js';
import { realtime } from './realtime.js';

/**
 * Ongoing meetings this user may join, for the incoming-meeting toast and the meetings panel:
 * live from `meeting_invitation` (active / inactive; the server sends one per ongoing meeting
 * on every connect), reconciled with GET /api/meetings/active after each (re)connection.
 * "Decline" only hides a meeting's toast (remembered in localStorage); it stays joinable.
 */
const [ongoing, setOngoing] = createSignal<Meeting[]>([]);
const DISMISSED_KEY = 'parley.meetings.dismissed';
const MAX_DISMISSED = 100;

function loadDismissed(): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(DISMISSED_KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string').slice(-MAX_DISMISSED) : [];
  } catch {
    return [];
  }
}

const [dismissed, setDismissed] = createSignal<string[]>(loadDismissed());

function saveDismissed(ids: string[]): void {
  setDismissed(ids);
  try {
    localStorage.setItem(DISMISSED_KEY, JSON.stringify(ids.slice(-MAX_DISMISSED)));
  } catch {
    // The choice lasts for this page only.
  }
}

/** When the last invitation event for each meeting arrived (to reconcile with a slower GET). */
const lastEventAt = new Map<string, number>();

function upsert(meeting: Meeting): void {
  setOngoing((list) => [...list.filter((entry) => entry.id !== meeting.id), meeting]);
}

function remove(meetingId: string): void {
  setOngoing((list) => list.filter((entry) => entry.id !== meetingId));
}

async function refresh(): Promise<void> {
  const startedAt = performance.now();
  try {
    const { meetings } = await meetingsApi.active();
    const fresh = new Set(meetings.map((meeting) => meeting.id));
    const untouched = (id: string) => (lastEventAt.get(id) ?? -1) < startedAt;
    setOngoing((list) => [
      ...list.filter((entry) => (fresh.has(entry.id) ? false : !untouched(entry.id))),
      ...meetings.filter((meeting) => untouched(meeting.id) || list.some((entry) => entry.id === meeting.id)),
    ]);
    // Forget declines of meetings that are over.
    const kept = dismissed().filter((id) => fresh.has(id) || !untouched(id));
    if (kept.length !== dismissed().length) saveDismissed(kept);
  } catch {
    // Offline or logged out: the invitation events still arrive on the next connection.
  }
}

createRoot(() => {
  createEffect(
    on(realtime, (client) => {
      setOngoing([]);
      lastEventAt.clear();
      if (!client) return;
      const stop = client.on(ServerEvents.meetingInvitation, ({ meeting, status }) => {
        lastEventAt.set(meeting.id, performance.now());
        if (status === 'active' && meeting.status === 'active') upsert(meeting);
        else remove(meeting.id);
      });
      const onConnect = () => void refresh();
      client.raw.on('connect', onConnect);
      if (client.raw.connected) void refresh();
      onCleanup(() => {
        stop();
        client.raw.off('connect', onConnect);
      });
    }),
  );
});

/** Starts a meeting (the `start_meeting` event; over HTTP when the socket is not there). */
export async function startMeeting(options: StartMeeting): Promise<Meeting> {
  const client = realtime();
  const { meeting } = client ? await client.request('start_meeting', options) : await meetingsApi.create(options);
  // The host's own meeting is listed as ongoing, without a toast (the host knows).
  upsert(meeting);
  if (!dismissed().includes(meeting.id)) saveDismissed([...dismissed(), meeting.id]);
  return meeting;
}

export const meetings = {
  /** Every ongoing meeting this user may join, oldest invitation first. */
  ongoing,
  /** The ongoing meetings whose toast has not been declined. */
  invitations: () => ongoing().filter((meeting) => !dismissed().includes(meeting.id)),
  /** Hides a meeting's toast (Decline, or Join: the person knows about it now). */
  dismiss(meetingId: string): void {
    if (!dismissed().includes(meetingId)) saveDismissed([...dismissed(), meetingId]);
  },
};
