/**
 * RTP bots: load-test clients that send and receive media without a browser (plain transports
 * of the media node; the server must run with SFU_PLAIN_RTP=true). They send plain RTP and
 * receive SRTP (the node encrypts as for a WebRTC consumer; the bot reads the clear RTP header
 * and never decrypts; `srtp: false` for plain RTP). They join like any participant and mix with
 * browser clients in one meeting. About CPU and SRTP: see docs/sfu.md "Plain RTP".
 *
 * Use (H2's runner):
 *
 *   const shared = createBotShared({ portRange: { min: 40000, max: 40999 } });
 *   await shared.clip({ width: 320, height: 180, fps: 15 }); // optional: encode the clip before the ramp
 *   const bot = createBot(spec, shared);                     // spec.kind === 'bot'
 *   const joined = await bot.join();                         // never rejects; JoinResult
 *   const sample = await bot.sample(t);                      // ClientSample since the last call
 *   await bot.close();
 *   shared.close();                                           // after every bot is closed
 *
 * - `createBotShared(options)`: what every bot of the process shares — ONE media timer, the VP8
 *   clip per size and rate (encoded once by headless Chromium with WebCodecs, cached under
 *   `os.tmpdir()/parley-loadtest/clips`), the UDP port range. Options: BotSharedOptions.
 * - `createBot(spec, shared)`: one `LoadClient`. The account is logged in with `spec.email` as
 *   the username (made valid, see usernameFor) and `spec.password`, registered if the login is
 *   refused. In a mesh meeting the bot waits (meshWaitMs) for SFU mode, then fails with "the
 *   meeting stayed in mesh mode; RTP bots need SFU mode". `role: 'sender'`: opus silence and
 *   the VP8 clip at `spec.video` (and, with sendersReceive, receives too); `'receiver'`:
 *   consumes every producer. Samples: fps from RTP markers, loss from sequence gaps, RFC 3550
 *   jitter, freezes (> 500 ms without a frame), bitrates (RTP header + payload, no SRTP tag);
 *   rttMs is always null (no RTCP RR). JoinResult as the browser client's: timed from after the
 *   login; firstFrameMs waits (firstFrameWaitMs) for a first remote video frame when somebody
 *   was in the meeting at the join; null otherwise and for a bot that receives nothing.
 */
import type { ClientSpec, LoadClient } from '../clientTypes.js';
import { BotClient } from './BotClient.js';
import type { BotShared } from './BotShared.js';

export { createBotShared, type BotShared, type BotSharedOptions } from './BotShared.js';
export { usernameFor } from './botSignalling.js';
export { loadVp8Clip, type Vp8Clip } from './vp8Clip.js';

export function createBot(spec: ClientSpec, shared: BotShared): LoadClient {
  if (spec.kind !== 'bot') throw new TypeError(`createBot: client ${spec.id} is of kind ${spec.kind}`);
  return new BotClient(spec, shared);
}
