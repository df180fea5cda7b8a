import type { PresenceEvent } from '@parley/protocol';
import { createStore, reconcile } from 'solid-js/store';

export interface PresenceInfo {
  online: boolean;
  lastSeenAt: string | null;
  /** Local time of the `presence` event this came from (0 for a snapshot). */
  eventAt: number;
}

/** Who is online, by user id: seeded from GET /api/contacts, kept live by `presence` events. */
const [byUser, setByUser] = createStore<Record<string, PresenceInfo>>({});

export function presenceOf(userId: string): PresenceInfo | undefined {
  return byUser[userId];
}

export function isOnline(userId: string): boolean {
  return byUser[userId]?.online ?? false;
}

/** A live `presence` event. */
export function applyPresence(event: PresenceEvent): void {
  setByUser(event.userId, { online: event.status === 'online', lastSeenAt: event.lastSeenAt, eventAt: Date.now() });
}

/**
 * A snapshot (the `online` flags of a contacts list) requested at `requestedAt`: an event that
 * arrived after the request is newer than the snapshot and wins.
 */
export function seedPresence(entries: Array<{ userId: string; online: boolean }>, requestedAt: number): void {
  for (const { userId, online } of entries) {
    const current = byUser[userId];
    if (current && current.eventAt >= requestedAt) continue;
    setByUser(userId, {
      online,
      lastSeenAt: online ? null : (current?.lastSeenAt ?? null),
      eventAt: current?.eventAt ?? 0,
    });
  }
}

export function resetPresence(): void {
  setByUser(reconcile({}));
}
