/**
 * Options of one load-test run, validated with zod (the CLI and `runLoadTest` callers such as
 * the capacity checker pass partial objects; defaults are filled in here).
 */
import { z } from 'zod';

export const VideoSchema = z.object({
  width: z.number().int().min(96).max(3840),
  height: z.number().int().min(96).max(2160),
  fps: z.number().int().min(1).max(60),
});

export const LoadTestOptionsSchema = z
  .object({
    /** Parley under test; unset starts an embedded Parley for the run. */
    target: z.url().optional(),
    meetings: z.number().int().min(1).max(1000).default(1),
    /** Browser clients per meeting that send camera + microphone. */
    senders: z.number().int().min(0).max(500).default(2),
    /** Browser clients per meeting that only receive (camera off, no microphone device). */
    receivers: z.number().int().min(0).max(500).default(0),
    /** RTP bots per meeting (loadtest/src/bots). */
    botSenders: z.number().int().min(0).max(2000).default(0),
    botReceivers: z.number().int().min(0).max(2000).default(0),
    video: VideoSchema.default({ width: 320, height: 180, fps: 15 }),
    /** New clients started per second. */
    joinRate: z.number().positive().max(1000).default(2),
    /** Logins started per second in the login phase before the joins. */
    loginRate: z.number().positive().max(1000).default(20),
    /** Seconds to hold every client in its meeting after the last join. */
    durationSec: z.number().min(0).max(86_400).default(30),
    /** Headless Chromium processes to spread the browser pages over. */
    browsers: z.number().int().min(1).max(64).default(1),
    sampleIntervalMs: z.number().int().min(250).max(60_000).default(2000),
    outDir: z.string().min(1).default('loadtest-report'),
    /** `metric<=value` expressions (see thresholds.ts); all must hold for `passed`. */
    thresholds: z.array(z.string()).default(['failed<=0']),
    joinTimeoutMs: z.number().int().min(1000).max(600_000).default(45_000),
    /** After the join ack, how long a client waits for the first remote frame. */
    firstFrameTimeoutMs: z.number().int().min(0).max(600_000).default(15_000),
    /** Embedded Parley only: MESH_MAX_PARTICIPANTS (server default 4 when unset). */
    meshMax: z.number().int().min(1).max(1000).optional(),
    /** Embedded Parley only: MEDIA_WORKERS (server default: one per core). */
    mediaWorkers: z.number().int().min(1).max(256).optional(),
    /** Embedded Parley only: SFU_CONSUMER_BUDGET (server default when unset; capacity check sets the plan's). */
    consumerBudget: z.number().int().min(1).max(100_000).optional(),
    /** Embedded Parley only: first port tried for HTTP, media RPC and RTC ports. */
    portBase: z.number().int().min(1024).max(65_000).default(50_000),
    /** UDP ports of the RTP bots' sockets (one per bot); default: any the OS gives. */
    botPorts: z
      .object({ min: z.number().int().min(1).max(65_535), max: z.number().int().min(1).max(65_535) })
      .refine((r) => r.min <= r.max, 'min must be <= max')
      .optional(),
    /** RTP bots receive over SRTP like WebRTC clients (the worker's cost of a browser consumer); false: plain RTP. */
    botSrtp: z.boolean().default(true),
    /** Bot senders send their camera in simulcast layers as the browser client does (bots/simulcastLayers.ts). */
    botSimulcast: z.boolean().default(false),
    /** Open microphones per meeting among the bots: the bot senders, then receivers with a mic only; default: the bot senders. */
    botAudioSenders: z.number().int().min(0).max(2000).optional(),
    /** Shares of bot receivers with 360 px tiles (layer 1) and with one large tile (layer 2); the rest 180 px (bots/tilePlan.ts). */
    botTiles: z
      .object({ medium: z.number().min(0).max(1), large: z.number().min(0).max(1) })
      .refine((m) => m.medium + m.large <= 1, 'medium + large must be <= 1')
      .default({ medium: 0.1, large: 0.1 }),
    chromiumPath: z.string().default('/usr/bin/chromium'),
    /** The browser of the browser clients (Firefox ESR over WebDriver BiDi, or Chromium). */
    browser: z.enum(['chromium', 'firefox']).default('chromium'),
    firefoxPath: z.string().default('/usr/bin/firefox-esr'),
    /** Progress display: a live bar on a TTY, a line every few seconds otherwise. */
    progress: z.enum(['auto', 'bar', 'lines', 'none']).default('auto'),
  })
  .strict();

export type LoadTestInput = z.input<typeof LoadTestOptionsSchema>;
export type LoadTestOptions = z.output<typeof LoadTestOptionsSchema>;

/** `640x360@24` or `640x360` → video options; throws a readable error otherwise. */
export function parseVideoSize(text: string, fps?: number): z.infer<typeof VideoSchema> {
  const match = /^(\d{2,4})x(\d{2,4})(?:@(\d{1,2}))?$/.exec(text.trim());
  if (!match) throw new Error(`video size "${text}" is not WIDTHxHEIGHT (e.g. 320x180 or 640x360@24)`);
  const parsed = VideoSchema.safeParse({
    width: Number(match[1]),
    height: Number(match[2]),
    fps: fps ?? (match[3] ? Number(match[3]) : 15),
  });
  if (!parsed.success) throw new Error(`video size "${text}" is out of range (96x96 to 3840x2160, 1-60 fps)`);
  return parsed.data;
}
