import type { ClientRooms, RoomEmit } from '../../../src/clientRooms.js';

/** One emit the fake saw: to which rooms, leaving which out. */
export interface FakeEmit {
  rooms: string[];
  except: string[];
  event: string;
  payload: unknown;
}

/** ClientRooms for unit tests: records every emit; sockets are "connected" once connect() names them. */
export class FakeClientRooms implements ClientRooms {
  readonly emits: FakeEmit[] = [];
  private readonly connected = new Map<string, { connected: boolean }>();
  readonly sockets = { sockets: this.connected };

  connect(socketId: string): void {
    this.connected.set(socketId, { connected: true });
  }

  disconnect(socketId: string): void {
    this.connected.delete(socketId);
  }

  to(room: string | string[]): RoomEmit {
    const emitTo = (rooms: string[], except: string[]): RoomEmit => ({
      except: (more) => emitTo(rooms, [...except, ...[more].flat()]),
      emit: (event, ...args) => {
        this.emits.push({ rooms, except, event, payload: args[0] });
        return true;
      },
    });
    return emitTo([room].flat(), []);
  }

  in(): { socketsLeave(room: string | string[]): void } {
    return { socketsLeave: () => undefined };
  }

  /** The events sent (optionally only those named `event`). */
  sent(event?: string): FakeEmit[] {
    return this.emits.filter((e) => event === undefined || e.event === event);
  }
}
