/**
 * `npm run bench:drain [-- --bots 20]`: a media node drained under an SFU meeting of RTP bots
 * (test/support: a real server, two media nodes of one worker each, own database and Redis
 * prefix). The meeting is on node A; SIGTERM to A; the server moves the meeting to node B
 * make-before-break. Prints the move time (SIGTERM → the last bot's `sfu:migrated`), when A
 * exited, and each receiver's longest video freeze (longest gap in frames from any one sender)
 * from SIGTERM until A exited. Goal: freeze < 500 ms. Run it alone on the machine (hold
 * /tmp/parley-heavy.lock): it is CPU-bound.
 */
import { parseArgs } from 'node:util';
import { createBotShared } from '../../loadtest/src/bots/index.js';
import { stopAllMediaNodes } from '../../test/support/mediaNodeProcess.js';
import {
  everyoneSeesEveryone,
  freezesPerReceiver,
  nodeTransports,
  startBotMeeting,
  until,
  type BotMeeting,
} from '../../test/support/botMeeting.js';
import { freePort } from '../../test/support/serverProcess.js';
import { startSfuNodesHarness, type SfuNodesHarness } from '../../test/support/sfuHarness.js';

const { values: options } = parseArgs({ options: { bots: { type: 'string', default: '20' } } });
const BOTS = Number(options.bots);
const log = (line: string) => console.error(`[bench:drain] ${line}`);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

async function main(): Promise<void> {
  const [serverPort, rpcA, rpcB, rtcA, rtcB] = await Promise.all(Array.from({ length: 5 }, () => freePort()));
  let h: SfuNodesHarness | undefined;
  let meeting: BotMeeting | undefined;
  const shared = createBotShared({ bindIp: '127.0.0.1', firstFrameWaitMs: 30_000, requestTimeoutMs: 60_000 });
  try {
    h = await startSfuNodesHarness('benchdrain', {
      serverPort: serverPort!,
      nodes: [
        { rpcPort: rpcA!, rtcPort: rtcA! },
        { rpcPort: rpcB!, rtcPort: rtcB! },
      ],
      env: { SFU_PLAIN_RTP: 'true', MESH_MAX_PARTICIPANTS: '2', MESH_RETURN_AT: '0', LOG_LEVEL: 'warn' },
    });
    log(`${BOTS} bots joining`);
    meeting = await startBotMeeting(h.url, BOTS, shared);
    const m = meeting;
    if (!(await until(() => everyoneSeesEveryone(m.bots, BOTS - 1, 10), 60_000)))
      throw new Error('not every bot receives every other bot');
    const loads = await Promise.all(h.nodes.map((n) => nodeTransports(n.url, h!.secret)));
    const a = loads.findIndex((n) => n > 0);
    log(`meeting on node ${a} (client transports per node: ${loads.join(', ')}); steady for 3 s`);
    await new Promise((r) => setTimeout(r, 3_000));
    for (const b of m.bots) b.resetFrameGaps();
    const sentAt = Date.now();
    process.kill(h.nodes[a]!.pid, 'SIGTERM');
    const exit = await Promise.race([h.nodes[a]!.exited, new Promise<null>((r) => setTimeout(() => r(null), 60_000))]);
    const exitedMs = Date.now() - sentAt;
    const freezes = freezesPerReceiver(m.bots).map(Math.round);
    const migrated = m.bots.map((b) => b.migration.migratedAt);
    const moved = migrated.filter((t): t is number => t !== null && t >= sentAt).map((t) => t - sentAt);
    for (const b of m.bots) b.resetFrameGaps();
    const flowing = await until(() => everyoneSeesEveryone(m.bots, BOTS - 1, 10), 15_000);
    console.log(
      [
        '',
        `drain of a media node under a ${BOTS}-bot SFU meeting (every bot sends 320x180@15 and receives the others)`,
        `  moved: ${moved.length}/${BOTS} bots; move time (SIGTERM → last sfu:migrated): ${Math.max(...moved)} ms` +
          ` (median bot ${percentile(moved, 50)} ms)`,
        `  old node exited after ${exitedMs} ms (${JSON.stringify(exit)})`,
        `  longest freeze per receiver: max ${Math.max(...freezes)} ms, p50 ${percentile(freezes, 50)} ms, p95 ${percentile(freezes, 95)} ms (goal < 500 ms)`,
        `  every receiver gets every sender from the new node afterwards: ${flowing}`,
        '',
      ].join('\n'),
    );
  } finally {
    await meeting?.close();
    shared.close();
    await h?.close();
    await stopAllMediaNodes();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
