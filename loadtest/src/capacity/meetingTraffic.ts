/**
 * The media one SFU meeting puts through its workers: packets and bits in (from senders) and
 * out (to every receiver's consumers), consumers, and how many routers (workers) the consumer
 * budget spreads it over. Pure arithmetic; see docs/capacity.md, "The model".
 */
import {
  addRates,
  audioStream,
  scaleRate,
  simulcastLayerHeights,
  videoStream,
  ZERO_RATE,
  type StreamRate,
} from './mediaRates.js';
import { spatialLayerForHeight } from '@parley/protocol';
import type { PlanSettings } from './planInput.js';

/** Participants that are alike for the model: same media sent, same media received. */
export interface ParticipantClass {
  name: 'camera+mic' | 'camera' | 'mic' | 'listener';
  count: number;
  /** What one of them sends to the SFU. */
  up: StreamRate;
  /** What one of them receives from the SFU. */
  down: StreamRate;
  /** Consumers one of them holds (paused ones included) and those with media flowing. */
  consumers: number;
  activeConsumers: number;
  /** Video streams received, by spatial layer (simulcast) or [0, 0, n] without simulcast. */
  videoByLayer: [number, number, number];
}

export interface MeetingTraffic {
  classes: ParticipantClass[];
  in: StreamRate;
  out: StreamRate;
  consumers: number;
  activeConsumers: number;
  /** Routers (each on its own worker) the meeting needs under the consumer budget. */
  routers: number;
  /** Receivers one router takes before the next recv transport goes elsewhere. */
  receiversPerRouter: number;
  /** Packets piped from the primary router to the others (out there, in on the others). */
  pipe: StreamRate;
}

/**
 * Measured streams that replace the bitrate table (the load-test check feeds the RTP bots' real
 * clips here): `camera` for single-stream cameras, `cameraLayers` for simulcast ones. With
 * `layerShare` (simulcast only), each receiver's visible cameras come in these shares of layers
 * 0, 1, 2 instead of the layout's tile sizes (the RTP bots' tile mix, bots/tilePlan.ts).
 */
export interface StreamOverrides {
  camera?: StreamRate;
  audio?: StreamRate;
  cameraLayers?: [StreamRate, StreamRate, StreamRate];
  layerShare?: [number, number, number];
}

/** What a sender's camera puts into the SFU: every simulcast layer, or the one stream. */
export function cameraUp(s: PlanSettings, o: StreamOverrides = {}): StreamRate {
  if (!s.simulcast) return o.camera ?? videoStream(s.resolution, s.fps);
  if (o.cameraLayers) return o.cameraLayers.reduce(addRates, ZERO_RATE);
  return simulcastLayerHeights(s.resolution)
    .map((h) => videoStream(h, s.fps))
    .reduce(addRates, ZERO_RATE);
}

/** The stream a consumer gets at a spatial layer. */
export function cameraDown(s: PlanSettings, layer: 0 | 1 | 2, o: StreamOverrides = {}): StreamRate {
  if (!s.simulcast) return o.camera ?? videoStream(s.resolution, s.fps);
  return o.cameraLayers?.[layer] ?? videoStream(simulcastLayerHeights(s.resolution)[layer], s.fps);
}

/**
 * Visible remote cameras and their layers for a receiver that can see `otherCameras`.
 * Grid: the first page shows pageSize − 1 remote tiles plus the own preview; tiles are 16:9 in
 * a 16:9 stage, so a tile is stageHeight / ceil(√tiles) tall. Speaker view: one main tile at
 * 80 % of the stage height, a strip of up to pageSize − 2 thumbnails at 20 %.
 */
export function visibleLayers(s: PlanSettings, otherCameras: number): [number, number, number] {
  const byLayer: [number, number, number] = [0, 0, 0];
  if (otherCameras === 0) return byLayer;
  if (s.layout === 'grid') {
    const visible = Math.min(otherCameras, s.pageSize - 1);
    const tileHeight = s.stageHeight / Math.ceil(Math.sqrt(visible + 1));
    byLayer[spatialLayerForHeight(tileHeight)] += visible;
    return byLayer;
  }
  byLayer[spatialLayerForHeight(s.stageHeight * 0.8)] += 1;
  const thumbnails = Math.min(otherCameras - 1, s.pageSize - 2);
  byLayer[spatialLayerForHeight(s.stageHeight * 0.2)] += thumbnails;
  return byLayer;
}

function participantClass(
  s: PlanSettings,
  o: StreamOverrides,
  name: ParticipantClass['name'],
  count: number,
  camera: boolean,
  mic: boolean,
  audioSenders: number,
): ParticipantClass {
  const audio = o.audio ?? audioStream();
  const otherMics = audioSenders - (mic ? 1 : 0);
  const otherCameras = s.senders - (camera ? 1 : 0);
  const byTiles = visibleLayers(s, otherCameras);
  const visible = byTiles[0] + byTiles[1] + byTiles[2];
  const share = s.simulcast ? o.layerShare : undefined;
  const layers: [number, number, number] = share
    ? [share[0] * visible, share[1] * visible, share[2] * visible]
    : byTiles;
  const videoByLayer: [number, number, number] = s.simulcast ? layers : [0, 0, visible];
  let down = scaleRate(audio, otherMics);
  for (const layer of [0, 1, 2] as const) down = addRates(down, scaleRate(cameraDown(s, layer, o), layers[layer]));
  let up = mic ? audio : ZERO_RATE;
  if (camera) up = addRates(up, cameraUp(s, o));
  return {
    name,
    count,
    up,
    down,
    consumers: otherMics + otherCameras,
    activeConsumers: otherMics + visible,
    videoByLayer,
  };
}

export function meetingTraffic(s: PlanSettings, o: StreamOverrides = {}): MeetingTraffic {
  const audioSenders = s.audioSenders ?? s.participants;
  const both = Math.min(s.senders, audioSenders);
  const classes = [
    participantClass(s, o, 'camera+mic', both, true, true, audioSenders),
    participantClass(s, o, 'camera', s.senders - both, true, false, audioSenders),
    participantClass(s, o, 'mic', audioSenders - both, false, true, audioSenders),
    participantClass(s, o, 'listener', s.participants - Math.max(s.senders, audioSenders), false, false, audioSenders),
  ].filter((c) => c.count > 0);

  const sum = (pick: (c: ParticipantClass) => StreamRate) =>
    classes.map((c) => scaleRate(pick(c), c.count)).reduce(addRates, ZERO_RATE);
  const inRate = sum((c) => c.up);
  const outRate = sum((c) => c.down);
  const consumers = classes.reduce((n, c) => n + c.count * c.consumers, 0);
  const activeConsumers = classes.reduce((n, c) => n + c.count * c.activeConsumers, 0);

  // A router takes recv transports while it holds fewer than the budget's consumers
  // (media-workers/src/placement/transportWorker.ts), so it ends with ceil(budget / c) receivers.
  const perReceiver = Math.max(0, ...classes.map((c) => c.consumers));
  const receiversPerRouter = perReceiver === 0 ? s.participants : Math.ceil(s.consumerBudget / perReceiver);
  const routers = Math.max(1, Math.ceil(s.participants / receiversPerRouter));
  // Every other router gets every producer piped to it (pipe consumers forward all layers).
  const pipe = scaleRate(inRate, routers - 1);
  return { classes, in: inRate, out: outRate, consumers, activeConsumers, routers, receiversPerRouter, pipe };
}
