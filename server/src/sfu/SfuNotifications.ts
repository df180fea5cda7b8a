import {
  SfuServerEvents,
  type ServerEventName,
  type ServerEventPayload,
  type SfuActiveSpeakerEvent,
  type SfuConsumerClosedEvent,
  type SfuMigrateEvent,
  type SfuNewProducerEvent,
  type SfuProducerEvent,
  type SfuTransportsResetEvent,
} from '@parley/protocol';
import type { ClientRooms } from '../clientRooms.js';
import { meetingRoom } from '../meetings/MeetingNotifier.js';

/**
 * Every event the SFU domain sends to clients, through the ClientRooms port: to a meeting's
 * sockets (leaving the one that caused it out, when given) or to one socket. The SFU services
 * send through this one notifier only.
 */
export class SfuNotifications {
  constructor(private readonly io: ClientRooms) {}

  newProducer(event: SfuNewProducerEvent, exceptSocketId: string): void {
    this.toMeeting(event.meetingId, exceptSocketId, SfuServerEvents.newProducer, event);
  }

  /** To one socket: a producer it missed (an SFU peer adopted after a deploy, SfuHandOver). */
  newProducerTo(socketId: string, event: SfuNewProducerEvent): void {
    this.io.to(socketId).emit(SfuServerEvents.newProducer, event);
  }

  producerClosed(event: SfuProducerEvent, exceptSocketId: string | null): void {
    this.toMeeting(event.meetingId, exceptSocketId, SfuServerEvents.producerClosed, event);
  }

  producerPaused(event: SfuProducerEvent, paused: boolean, exceptSocketId: string | null): void {
    const name = paused ? SfuServerEvents.producerPaused : SfuServerEvents.producerResumed;
    this.toMeeting(event.meetingId, exceptSocketId, name, event);
  }

  activeSpeaker(event: SfuActiveSpeakerEvent): void {
    this.toMeeting(event.meetingId, null, SfuServerEvents.activeSpeaker, event);
  }

  consumerClosed(socketId: string, event: SfuConsumerClosedEvent): void {
    this.io.to(socketId).emit(SfuServerEvents.consumerClosed, event);
  }

  transportsReset(socketId: string, event: SfuTransportsResetEvent): void {
    this.io.to(socketId).emit(SfuServerEvents.transportsReset, event);
  }

  migrate(socketId: string, event: SfuMigrateEvent): void {
    this.io.to(socketId).emit(SfuServerEvents.migrate, event);
  }

  private toMeeting<E extends ServerEventName>(
    meetingId: string,
    exceptSocketId: string | null,
    event: E,
    payload: ServerEventPayload<E>,
  ): void {
    const room = this.io.to(meetingRoom(meetingId));
    (exceptSocketId ? room.except(exceptSocketId) : room).emit(event, payload);
  }
}
