import { EventEmitter } from 'node:events';
import type { MediaNodeRef } from './MediaNodeRef.js';

/** What a ref to an object on a media node raises (typed, like mediasoup's EnhancedEventEmitter). */
export interface RemoteObjectEvents {
  /** The object is gone: closed through this ref, or the node closed it (a notification, closePeer, a lost node). */
  close: [];
}

/**
 * A proxy of one object on a media node (a transport, a producer, a consumer), bound to the node
 * it lives on for its whole life: a meeting that moves (a drain) or a peer that is adopted (a
 * hand-over) leaves it where it is. Raises `close` once.
 */
export abstract class RemoteObjectRef extends EventEmitter<RemoteObjectEvents> {
  private isClosed = false;

  constructor(
    readonly meetingId: string,
    readonly id: string,
    readonly node: MediaNodeRef,
  ) {
    super();
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The node closed it (or closes it without this ref's RPC): raises `close` without asking the node. */
  markClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.emit('close');
    this.removeAllListeners();
  }
}
