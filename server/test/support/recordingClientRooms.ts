import type { ClientRooms, RoomEmit } from '../../src/clientRooms.js';

/** One emit through the port: to which rooms, leaving which out, what event and payload. */
export interface RecordedEmit {
  to: string[];
  except: string[];
  event: string;
  payload: unknown;
}

/** One `in(rooms).socketsLeave(room)` call. */
export interface RecordedLeave {
  from: string[];
  leave: string[];
}

const list = (room: string | string[]): string[] => (Array.isArray(room) ? [...room] : [room]);

/**
 * A ClientRooms that reaches no socket and records what the domain sent instead, for unit tests
 * of notifiers and services (the real one is the Socket.io server of realtime/).
 */
export class RecordingClientRooms implements ClientRooms {
  readonly emits: RecordedEmit[] = [];
  readonly leaves: RecordedLeave[] = [];
  /** Sockets of "this instance": add ids to make them connected. */
  readonly connected = new Map<string, { connected: boolean }>();
  readonly sockets = { sockets: this.connected as ReadonlyMap<string, { readonly connected: boolean }> };

  to(room: string | string[]): RoomEmit {
    const emitTo = (except: string[]): RoomEmit => ({
      except: (more) => emitTo([...except, ...list(more)]),
      emit: (event, ...args) => {
        this.emits.push({ to: list(room), except, event, payload: args[0] });
        return true;
      },
    });
    return emitTo([]);
  }

  in(room: string | string[]): { socketsLeave(room: string | string[]): void } {
    return { socketsLeave: (leave) => void this.leaves.push({ from: list(room), leave: list(leave) }) };
  }

  /** The emits of one event, in order. */
  of(event: string): RecordedEmit[] {
    return this.emits.filter((emit) => emit.event === event);
  }

  clear(): void {
    this.emits.length = 0;
    this.leaves.length = 0;
  }
}
