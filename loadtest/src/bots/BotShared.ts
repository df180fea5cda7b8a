/**
 * What every bot of one process shares: the media clock (one timer), the VP8 clips (encoded
 * once per size and rate, packetized once; one per simulcast layer), the UDP port cursor and the options.
 */
import type * as dgram from 'node:dgram';
import { packetizeClip, type PacketizedClip } from './clipPackets.js';
import { MediaClock } from './mediaClock.js';
import { bindUdp, type PortRange } from './udpSocket.js';
import { cameraLayers } from './simulcastLayers.js';
import { DEFAULT_TILE_MIX, type TileMix } from './tilePlan.js';
import { loadVp8Clip } from './vp8Clip.js';

export interface BotSharedOptions {
  /** Ports for the bots' UDP sockets (one per bot); default: any port the OS gives. */
  portRange?: PortRange | null;
  /** Address the sockets bind to; default 0.0.0.0. */
  bindIp?: string;
  /** Address the media node sends to (recv transports); default: found from the route to the node. */
  announcedIp?: string;
  /** Where clips are cached; default `os.tmpdir()/parley-loadtest/clips`. */
  clipDir?: string;
  /** Chromium for encoding clips; default /usr/bin/chromium (or CHROMIUM_PATH). */
  chromiumPath?: string;
  /** How long a bot waits for a mesh meeting to become SFU; default 30 s. */
  meshWaitMs?: number;
  /** How long join() waits for the first video frame when there is video to receive; default 10 s. */
  firstFrameWaitMs?: number;
  /** Sender bots also receive the others, like a browser participant; default true. */
  sendersReceive?: boolean;
  /** Timeout of each HTTP request and socket ack; default 15 s. */
  requestTimeoutMs?: number;
  /**
   * Receive over SRTP like a WebRTC client (the node encrypts, so it costs the worker what a
   * browser consumer costs); default true. false: plain RTP (cheaper for the worker).
   */
  srtp?: boolean;
  /** Senders send their camera in simulcast layers (simulcastLayers.ts); receivers report tiles. Default false. */
  simulcast?: boolean;
  /** Which tiles receivers show (tilePlan.ts); only with simulcast. */
  tileMix?: TileMix;
}

export interface ResolvedBotOptions {
  portRange: PortRange | null;
  bindIp: string;
  announcedIp: string | undefined;
  meshWaitMs: number;
  firstFrameWaitMs: number;
  sendersReceive: boolean;
  requestTimeoutMs: number;
  srtp: boolean;
  simulcast: boolean;
  tileMix: TileMix;
}

export interface BotShared {
  readonly clock: MediaClock;
  readonly options: ResolvedBotOptions;
  /** The packetized clip for this video (encoded by Chromium on first use, then cached). */
  clip(video: { width: number; height: number; fps: number }): Promise<PacketizedClip>;
  /** The camera's clips, one per layer sent (lowest first; one without simulcast). */
  cameraClips(video: { width: number; height: number; fps: number }): Promise<PacketizedClip[]>;
  /** A UDP socket for one bot. */
  bindSocket(): Promise<dgram.Socket>;
  /** Stops the clock (the bots must be closed first). */
  close(): void;
}

export function createBotShared(options: BotSharedOptions = {}): BotShared {
  const clock = new MediaClock();
  const clips = new Map<string, Promise<PacketizedClip>>();
  const range = options.portRange ?? null;
  if (
    range &&
    !(
      Number.isInteger(range.min) &&
      Number.isInteger(range.max) &&
      range.min >= 1 &&
      range.max <= 65_535 &&
      range.min <= range.max
    )
  ) {
    throw new RangeError(`bad UDP port range ${range.min}-${range.max}`);
  }
  const cursor = { next: range?.min ?? 0 };
  const resolved: ResolvedBotOptions = {
    portRange: range,
    bindIp: options.bindIp ?? '0.0.0.0',
    announcedIp: options.announcedIp,
    meshWaitMs: options.meshWaitMs ?? 30_000,
    firstFrameWaitMs: options.firstFrameWaitMs ?? 10_000,
    sendersReceive: options.sendersReceive ?? true,
    requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
    srtp: options.srtp ?? true,
    simulcast: options.simulcast ?? false,
    tileMix: options.tileMix ?? DEFAULT_TILE_MIX,
  };
  const clipFor = (video: { width: number; height: number; fps: number }): Promise<PacketizedClip> => {
    const key = `${video.width}x${video.height}@${video.fps}`;
    let clip = clips.get(key);
    if (!clip) {
      clip = loadVp8Clip({
        ...video,
        ...(options.clipDir ? { cacheDir: options.clipDir } : {}),
        ...(options.chromiumPath ? { chromiumPath: options.chromiumPath } : {}),
      }).then((c) => packetizeClip(c));
      clip.catch(() => clips.delete(key));
      clips.set(key, clip);
    }
    return clip;
  };
  return {
    clock,
    options: resolved,
    clip: clipFor,
    // One after the other: each clip not cached yet is a Chromium encode.
    async cameraClips(video) {
      const out: PacketizedClip[] = [];
      for (const layer of cameraLayers(video, resolved.simulcast)) out.push(await clipFor(layer));
      return out;
    },
    bindSocket: () => bindUdp(resolved.bindIp, range, cursor),
    close: () => clock.stop(),
  };
}
