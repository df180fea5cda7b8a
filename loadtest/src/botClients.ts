/**
 * The RTP bots (loadtest/src/bots) behind a small adapter: one BotShared per run (its clip is
 * encoded before the ramp, so a Chromium or encoder problem fails the bots at once, with the
 * reason, instead of each bot's join; with simulcast, one clip per layer).
 */
import { createBot, createBotShared } from './bots/index.js';
import type { TileMix } from './bots/tilePlan.js';
import type { ClientSpec, LoadClient } from './clientTypes.js';

export interface BotFactory {
  create(spec: ClientSpec): LoadClient;
  close(): Promise<void>;
}

export interface BotFactoryOptions {
  video: ClientSpec['video'];
  chromiumPath: string;
  portRange: { min: number; max: number } | null;
  /** How long a bot waits for a mesh meeting to turn SFU. */
  meshWaitMs: number;
  firstFrameWaitMs: number;
  /** Bots receive over SRTP (default true). */
  srtp?: boolean;
  /** Bot senders send simulcast layers; receivers report tiles (default false). */
  simulcast?: boolean;
  tileMix?: TileMix;
}

export async function loadBotFactory(options: BotFactoryOptions): Promise<BotFactory> {
  const shared = createBotShared({
    portRange: options.portRange,
    chromiumPath: options.chromiumPath,
    meshWaitMs: options.meshWaitMs,
    firstFrameWaitMs: options.firstFrameWaitMs,
    ...(options.srtp === false ? { srtp: false } : {}),
    ...(options.simulcast ? { simulcast: true } : {}),
    ...(options.tileMix ? { tileMix: options.tileMix } : {}),
  });
  try {
    await shared.cameraClips(options.video);
  } catch (error) {
    shared.close();
    throw error;
  }
  return {
    create: (spec) => createBot(spec, shared),
    close() {
      shared.close();
      return Promise.resolve();
    },
  };
}
