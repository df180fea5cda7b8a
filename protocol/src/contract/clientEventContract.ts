import type { z } from 'zod';
import { ClientEvents } from '../events.js';
import type { EventRate } from '../limits/eventRate.js';
import { MarkRead, SendMessage, Typing } from '../schemas/chat.js';
import { Ping } from '../schemas/common.js';
import { JoinMeeting, MeetingJoinTimeline, MeetingRef, StartMeeting, VideoSignal } from '../schemas/meetings.js';
import {
  Admit,
  InviteParticipants,
  LowerHand,
  MuteEveryone,
  MuteParticipant,
  RaiseHand,
  RemoveParticipant,
  SendReaction,
  SetMeetingLock,
} from '../schemas/room.js';
import {
  SfuConnectPlainTransport,
  SfuConnectTransport,
  SfuConsume,
  SfuConsumeMany,
  SfuConsumerRef,
  SfuCreatePlainTransport,
  SfuCreateTransport,
  SfuEvents,
  SfuGetCapabilities,
  SfuMigrated,
  SfuProduce,
  SfuProducerRef,
  SfuReportTiles,
  SfuRestartIce,
  SfuResumeConsumers,
  SfuSetPreferredLayers,
  SfuTransportInfo,
} from '../schemas/sfu.js';
import {
  ChatMessageAck,
  JoinMeetingAck,
  MuteEveryoneAck,
  NoFieldsAck,
  PingAck,
  RaiseHandAck,
  ReadAck,
  RoomInfoAck,
  SfuCapabilitiesAck,
  SfuConsumeManyAck,
  SfuConsumerInfoSchema,
  SfuMigratedAck,
  SfuPlainTransportAck,
  SfuProduceAck,
  SfuProducersAck,
  SfuReportTilesAck,
  SfuRestartIceAck,
  SfuResumeConsumersAck,
  StartMeetingAck,
} from './ackSchemas.js';

/**
 * One client→server event: the schema its payload must pass (the server answers `bad_request`
 * otherwise), the schema of its ack's body (the `{ok: true, ...}` answer without `ok`), and its
 * rate (null: `DEFAULT_EVENT_RATE`).
 */
export interface ClientEventRow {
  payload: z.ZodType;
  ack: z.ZodType<object>;
  limits: EventRate | null;
}

/**
 * The socket contract, client→server half: every event a client may send, and nothing else
 * (docs/protocol.md, "The contract table"). The server's handlers, the browser client's
 * `request()` and the load tester's bots all take their types from here; the server answers any
 * other event name, sent with an ack, `bad_request`.
 *
 * The rates are far above a person's pace and above what a client does in a 300-person
 * meeting: a joiner consumes (then resumes) up to ~600 producers at once, a mesh call exchanges
 * a few dozen signals per peer when it starts.
 */
export const ClientEventContract = {
  // chat
  [ClientEvents.message]: {
    payload: SendMessage,
    ack: ChatMessageAck,
    limits: { burst: 30, perSecond: 5 },
  },
  [ClientEvents.typing]: { payload: Typing, ack: NoFieldsAck, limits: { burst: 10, perSecond: 2 } },
  [ClientEvents.markRead]: { payload: MarkRead, ack: ReadAck, limits: { burst: 30, perSecond: 5 } },
  // meetings
  [ClientEvents.startMeeting]: {
    payload: StartMeeting,
    ack: StartMeetingAck,
    limits: { burst: 5, perSecond: 0.5 },
  },
  [ClientEvents.joinMeeting]: {
    payload: JoinMeeting,
    ack: JoinMeetingAck,
    limits: { burst: 10, perSecond: 1 },
  },
  [ClientEvents.leaveMeeting]: { payload: MeetingRef, ack: NoFieldsAck, limits: { burst: 10, perSecond: 1 } },
  [ClientEvents.stopMeeting]: { payload: MeetingRef, ack: NoFieldsAck, limits: { burst: 10, perSecond: 1 } },
  [ClientEvents.getRoomInfo]: { payload: MeetingRef, ack: RoomInfoAck, limits: { burst: 20, perSecond: 2 } },
  [ClientEvents.videoSignal]: { payload: VideoSignal, ack: NoFieldsAck, limits: { burst: 300, perSecond: 50 } },
  [ClientEvents.meetingJoinTimeline]: { payload: MeetingJoinTimeline, ack: NoFieldsAck, limits: null },
  [ClientEvents.ping]: {
    payload: Ping,
    ack: PingAck,
    limits: { burst: 30, perSecond: 5 },
  },
  // meeting room features
  [ClientEvents.raiseHand]: { payload: RaiseHand, ack: RaiseHandAck, limits: null },
  [ClientEvents.lowerHand]: { payload: LowerHand, ack: NoFieldsAck, limits: null },
  [ClientEvents.reaction]: { payload: SendReaction, ack: NoFieldsAck, limits: null },
  [ClientEvents.muteParticipant]: { payload: MuteParticipant, ack: NoFieldsAck, limits: null },
  /** `muted`: how many participants were muted. */
  [ClientEvents.muteEveryone]: { payload: MuteEveryone, ack: MuteEveryoneAck, limits: null },
  [ClientEvents.removeParticipant]: { payload: RemoveParticipant, ack: NoFieldsAck, limits: null },
  [ClientEvents.inviteParticipants]: { payload: InviteParticipants, ack: NoFieldsAck, limits: null },
  [ClientEvents.setMeetingLock]: { payload: SetMeetingLock, ack: NoFieldsAck, limits: null },
  [ClientEvents.admit]: { payload: Admit, ack: NoFieldsAck, limits: null },
  // sfu
  [SfuEvents.getCapabilities]: {
    payload: SfuGetCapabilities,
    ack: SfuCapabilitiesAck,
    limits: { burst: 10, perSecond: 2 },
  },
  [SfuEvents.createTransport]: {
    payload: SfuCreateTransport,
    ack: SfuTransportInfo,
    limits: { burst: 8, perSecond: 1 },
  },
  [SfuEvents.connectTransport]: { payload: SfuConnectTransport, ack: NoFieldsAck, limits: { burst: 8, perSecond: 1 } },
  [SfuEvents.restartIce]: {
    payload: SfuRestartIce,
    ack: SfuRestartIceAck,
    limits: { burst: 8, perSecond: 1 },
  },
  [SfuEvents.produce]: {
    payload: SfuProduce,
    ack: SfuProduceAck,
    limits: { burst: 10, perSecond: 1 },
  },
  [SfuEvents.pauseProducer]: { payload: SfuProducerRef, ack: NoFieldsAck, limits: { burst: 30, perSecond: 5 } },
  [SfuEvents.resumeProducer]: { payload: SfuProducerRef, ack: NoFieldsAck, limits: { burst: 30, perSecond: 5 } },
  [SfuEvents.closeProducer]: { payload: SfuProducerRef, ack: NoFieldsAck, limits: { burst: 30, perSecond: 5 } },
  [SfuEvents.getProducers]: {
    payload: SfuGetCapabilities,
    ack: SfuProducersAck,
    limits: { burst: 10, perSecond: 2 },
  },
  [SfuEvents.consume]: {
    payload: SfuConsume,
    ack: SfuConsumerInfoSchema,
    limits: { burst: 1500, perSecond: 200 },
  },
  [SfuEvents.resumeConsumer]: { payload: SfuConsumerRef, ack: NoFieldsAck, limits: { burst: 1500, perSecond: 200 } },
  [SfuEvents.pauseConsumer]: { payload: SfuConsumerRef, ack: NoFieldsAck, limits: { burst: 1500, perSecond: 200 } },
  [SfuEvents.setPreferredLayers]: {
    payload: SfuSetPreferredLayers,
    ack: NoFieldsAck,
    limits: { burst: 1500, perSecond: 200 },
  },
  /** `applied`: how many tiles matched a consumer of the caller. */
  [SfuEvents.reportTiles]: {
    payload: SfuReportTiles,
    ack: SfuReportTilesAck,
    limits: { burst: 30, perSecond: 5 },
  },
  [SfuEvents.consumeMany]: {
    payload: SfuConsumeMany,
    ack: SfuConsumeManyAck,
    limits: { burst: 10, perSecond: 2 },
  },
  [SfuEvents.resumeConsumers]: {
    payload: SfuResumeConsumers,
    ack: SfuResumeConsumersAck,
    limits: { burst: 30, perSecond: 5 },
  },
  /** Once per move of the meeting to another media node (`sfu:migrate`); `closing`: objects closed on the old node. */
  [SfuEvents.migrated]: {
    payload: SfuMigrated,
    ack: SfuMigratedAck,
    limits: { burst: 10, perSecond: 1 },
  },
  [SfuEvents.createPlainTransport]: {
    payload: SfuCreatePlainTransport,
    ack: SfuPlainTransportAck,
    limits: { burst: 8, perSecond: 1 },
  },
  [SfuEvents.connectPlainTransport]: {
    payload: SfuConnectPlainTransport,
    ack: NoFieldsAck,
    limits: { burst: 8, perSecond: 1 },
  },
} as const satisfies Record<string, ClientEventRow>;

/** Every client→server event name of the contract. */
export type ClientEventName = keyof typeof ClientEventContract;

/** The names of `ClientEventContract`, for run-time checks (unknown events get `bad_request`). */
export const clientEventNames: ReadonlySet<string> = new Set<string>(Object.keys(ClientEventContract));

/** Whether `name` is an event of the contract. */
export const isClientEventName = (name: string): name is ClientEventName => clientEventNames.has(name);
