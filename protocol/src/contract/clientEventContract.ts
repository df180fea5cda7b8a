import type { z } from 'zod';
import { ClientEvents } from '../events.js';
import type { EventRate } from '../limits/eventRate.js';
import type { Meeting } from '../types.js';
import type { ChatMessageEvent, ReadEvent } from '../schemas/chat.js';
import { MarkRead, SendMessage, Typing } from '../schemas/chat.js';
import { Ping } from '../schemas/common.js';
import type { JoinMeetingResult, RoomInfo } from '../schemas/meetings.js';
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
import type {
  SfuConsumeResult,
  SfuConsumerInfo,
  SfuPlainTransportInfo,
  SfuProducerInfo,
  SfuResumeResult,
} from '../schemas/sfu.js';
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
import { noFields, wireShape } from './wireShape.js';

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
    ack: wireShape<ChatMessageEvent>(),
    limits: { burst: 30, perSecond: 5 },
  },
  [ClientEvents.typing]: { payload: Typing, ack: noFields, limits: { burst: 10, perSecond: 2 } },
  [ClientEvents.markRead]: { payload: MarkRead, ack: wireShape<ReadEvent>(), limits: { burst: 30, perSecond: 5 } },
  // meetings
  [ClientEvents.startMeeting]: {
    payload: StartMeeting,
    ack: wireShape<{ meeting: Meeting }>(),
    limits: { burst: 5, perSecond: 0.5 },
  },
  [ClientEvents.joinMeeting]: {
    payload: JoinMeeting,
    ack: wireShape<JoinMeetingResult>(),
    limits: { burst: 10, perSecond: 1 },
  },
  [ClientEvents.leaveMeeting]: { payload: MeetingRef, ack: noFields, limits: { burst: 10, perSecond: 1 } },
  [ClientEvents.stopMeeting]: { payload: MeetingRef, ack: noFields, limits: { burst: 10, perSecond: 1 } },
  [ClientEvents.getRoomInfo]: { payload: MeetingRef, ack: wireShape<RoomInfo>(), limits: { burst: 20, perSecond: 2 } },
  [ClientEvents.videoSignal]: { payload: VideoSignal, ack: noFields, limits: { burst: 300, perSecond: 50 } },
  [ClientEvents.meetingJoinTimeline]: { payload: MeetingJoinTimeline, ack: noFields, limits: null },
  [ClientEvents.ping]: {
    payload: Ping,
    ack: wireShape<{ instanceId: string; echo?: string }>(),
    limits: { burst: 30, perSecond: 5 },
  },
  // meeting room features
  [ClientEvents.raiseHand]: { payload: RaiseHand, ack: wireShape<{ order?: number }>(), limits: null },
  [ClientEvents.lowerHand]: { payload: LowerHand, ack: noFields, limits: null },
  [ClientEvents.reaction]: { payload: SendReaction, ack: noFields, limits: null },
  [ClientEvents.muteParticipant]: { payload: MuteParticipant, ack: noFields, limits: null },
  /** `muted`: how many participants were muted. */
  [ClientEvents.muteEveryone]: { payload: MuteEveryone, ack: wireShape<{ muted: number }>(), limits: null },
  [ClientEvents.removeParticipant]: { payload: RemoveParticipant, ack: noFields, limits: null },
  [ClientEvents.inviteParticipants]: { payload: InviteParticipants, ack: noFields, limits: null },
  [ClientEvents.setMeetingLock]: { payload: SetMeetingLock, ack: noFields, limits: null },
  [ClientEvents.admit]: { payload: Admit, ack: noFields, limits: null },
  // sfu
  [SfuEvents.getCapabilities]: {
    payload: SfuGetCapabilities,
    ack: wireShape<{ rtpCapabilities: unknown }>(),
    limits: { burst: 10, perSecond: 2 },
  },
  [SfuEvents.createTransport]: {
    payload: SfuCreateTransport,
    ack: SfuTransportInfo,
    limits: { burst: 8, perSecond: 1 },
  },
  [SfuEvents.connectTransport]: { payload: SfuConnectTransport, ack: noFields, limits: { burst: 8, perSecond: 1 } },
  [SfuEvents.restartIce]: {
    payload: SfuRestartIce,
    ack: wireShape<{ iceParameters: unknown }>(),
    limits: { burst: 8, perSecond: 1 },
  },
  [SfuEvents.produce]: {
    payload: SfuProduce,
    ack: wireShape<{ producerId: string }>(),
    limits: { burst: 10, perSecond: 1 },
  },
  [SfuEvents.pauseProducer]: { payload: SfuProducerRef, ack: noFields, limits: { burst: 30, perSecond: 5 } },
  [SfuEvents.resumeProducer]: { payload: SfuProducerRef, ack: noFields, limits: { burst: 30, perSecond: 5 } },
  [SfuEvents.closeProducer]: { payload: SfuProducerRef, ack: noFields, limits: { burst: 30, perSecond: 5 } },
  [SfuEvents.getProducers]: {
    payload: SfuGetCapabilities,
    ack: wireShape<{ producers: SfuProducerInfo[] }>(),
    limits: { burst: 10, perSecond: 2 },
  },
  [SfuEvents.consume]: {
    payload: SfuConsume,
    ack: wireShape<SfuConsumerInfo>(),
    limits: { burst: 1500, perSecond: 200 },
  },
  [SfuEvents.resumeConsumer]: { payload: SfuConsumerRef, ack: noFields, limits: { burst: 1500, perSecond: 200 } },
  [SfuEvents.pauseConsumer]: { payload: SfuConsumerRef, ack: noFields, limits: { burst: 1500, perSecond: 200 } },
  [SfuEvents.setPreferredLayers]: {
    payload: SfuSetPreferredLayers,
    ack: noFields,
    limits: { burst: 1500, perSecond: 200 },
  },
  /** `applied`: how many tiles matched a consumer of the caller. */
  [SfuEvents.reportTiles]: {
    payload: SfuReportTiles,
    ack: wireShape<{ applied: number }>(),
    limits: { burst: 30, perSecond: 5 },
  },
  [SfuEvents.consumeMany]: {
    payload: SfuConsumeMany,
    ack: wireShape<{ consumers: SfuConsumeResult[] }>(),
    limits: { burst: 10, perSecond: 2 },
  },
  [SfuEvents.resumeConsumers]: {
    payload: SfuResumeConsumers,
    ack: wireShape<{ consumers: SfuResumeResult[] }>(),
    limits: { burst: 30, perSecond: 5 },
  },
  /** Once per move of the meeting to another media node (`sfu:migrate`); `closing`: objects closed on the old node. */
  [SfuEvents.migrated]: {
    payload: SfuMigrated,
    ack: wireShape<{ closing: number }>(),
    limits: { burst: 10, perSecond: 1 },
  },
  [SfuEvents.createPlainTransport]: {
    payload: SfuCreatePlainTransport,
    ack: wireShape<SfuPlainTransportInfo>(),
    limits: { burst: 8, perSecond: 1 },
  },
  [SfuEvents.connectPlainTransport]: {
    payload: SfuConnectPlainTransport,
    ack: noFields,
    limits: { burst: 8, perSecond: 1 },
  },
} as const satisfies Record<string, ClientEventRow>;

/** Every client→server event name of the contract. */
export type ClientEventName = keyof typeof ClientEventContract;

/** The names of `ClientEventContract`, for run-time checks (unknown events get `bad_request`). */
export const clientEventNames: ReadonlySet<string> = new Set<string>(Object.keys(ClientEventContract));

/** Whether `name` is an event of the contract. */
export const isClientEventName = (name: string): name is ClientEventName => clientEventNames.has(name);
