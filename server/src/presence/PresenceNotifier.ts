import { ServerEvents, type PresenceEvent } from '@parley/protocol';
import { userRoom, type ClientRooms } from '../clientRooms.js';

/** Presence changes (`presence` {userId, status, lastSeenAt}) to the user's contacts, on every instance. */
export class PresenceNotifier {
  constructor(private readonly io: ClientRooms) {}

  presence(recipientIds: readonly string[], event: PresenceEvent): void {
    if (recipientIds.length === 0) return;
    this.io.to(recipientIds.map(userRoom)).emit(ServerEvents.presence, event);
  }
}
