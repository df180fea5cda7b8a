import { ServerEvents } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { PresenceNotifier } from '../../src/presence/PresenceNotifier.js';
import { RecordingClientRooms } from '../support/recordingClientRooms.js';

describe('PresenceNotifier', () => {
  it("sends a change to the contacts' user rooms, and nothing without contacts", () => {
    const io = new RecordingClientRooms();
    const notifier = new PresenceNotifier(io);
    const event = { userId: 'a', status: 'online', lastSeenAt: '2026-01-01T00:00:00.000Z' } as const;
    notifier.presence(['b', 'c'], event);
    notifier.presence([], event);
    expect(io.emits).toEqual([{ to: ['user:b', 'user:c'], except: [], event: ServerEvents.presence, payload: event }]);
  });
});
