/**
 * `npm run bench:join`: how long the last joiner waits for the first frame of every remote
 * video, measured in the page as a user feels it. A real server and media node (test support:
 * own database and Redis prefix), one headless Chromium with a context per user:
 * - mesh: the 3rd joiner of a meeting where 2 are in;
 * - SFU: the 6th joiner of a meeting where 5 are in (MESH_MAX_PARTICIPANTS=4);
 * each from navigation (opening /meet/:id, app not loaded) and from pressing Join on a loaded
 * page, RUNS times each (default 10, `--runs n`). Prints p50/p95 and the timeline of the median
 * join (ms from the same start). `--json <file>` writes the figures; `--only mesh|sfu` runs one
 * of the two meetings. `--baseline <dir>`: an A/B in the same run, the built client in `<dir>`
 * (another worktree's client/dist) against this one, run by run in turn (clientVariants.ts).
 * Also prints the server's share of the acks per phase (serverJoinSteps.ts).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startSfuHarness } from '../../test/support/sfuHarness.js';
import { inPage, newUser, type TestUser } from '../../test/support/browserMeetingHarness.js';
import { servedClients } from './clientVariants.js';
import { describeJoinSteps, readJoinSteps } from './serverJoinSteps.js';
import {
  joinByNavigation,
  joinByPress,
  leaveToHome,
  medianRun,
  percentileOf,
  waitForRemoteVideos,
  type JoinRun,
} from './joinRuns.js';

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    json: { type: 'string' },
    only: { type: 'string' },
    baseline: { type: 'string' },
  },
});
const RUNS = Number(options.runs);
const JSON_OUT = options.json;
/** `--only mesh` or `--only sfu`: one of the two meetings (while iterating). */
const ONLY = options.only;
/** `--baseline <dir>`: a built client (client/dist of main, say) to compare this one with. */
const BASELINE = options.baseline;
const log = (line: string) => console.error(`[bench:join] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Scenario {
  name: string;
  runs: JoinRun[];
}

function report(scenarios: Scenario[]): string {
  const lines = ['', `join → every remote video showing a frame, ${RUNS} runs each (ms)`, ''];
  lines.push('| scenario | p50 | p95 | min | max |', '| --- | ---: | ---: | ---: | ---: |');
  for (const { name, runs } of scenarios) {
    const values = runs.map((run) => run.allFrames);
    lines.push(
      `| ${name} | ${percentileOf(values, 50)} | ${percentileOf(values, 95)} | ${Math.min(...values)} | ${Math.max(...values)} |`,
    );
  }
  for (const { name, runs } of scenarios) {
    const median = medianRun(runs);
    if (!median) continue;
    const steps = Object.entries(median.marks).sort((a, b) => a[1] - b[1]);
    lines.push(
      '',
      `timeline of the median join, ${name} (ms):`,
      steps.map(([mark, at]) => `${mark} ${at}`).join(' → '),
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  log('starting a server and a media node ...');
  const harness = await startSfuHarness('bench_join', { MESH_MAX_PARTICIPANTS: '4', MESH_RETURN_AT: '2' });
  const clients = servedClients(harness.clientDir, BASELINE);
  const scenarios: Scenario[] = [];
  const serverSteps: string[] = ['', "server's join_meeting ack, mean ms per step (warm-up joins included):"];
  try {
    const users: TestUser[] = [];
    for (let i = 0; i < 6; i++) users.push(await newUser(harness, `joiner${i}`, `Joiner ${i}`));
    const createMeeting = async () => {
      // From a page of the app (the cookie and a base URL for fetch).
      await users[0]!.page.goto(new URL('/login', harness.url).toString(), { waitUntil: 'domcontentloaded' });
      return (
        await inPage<{ meeting: { id: string } }>(
          users[0]!.page,
          `fetch('/api/meetings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access: 'link' }) }).then((res) => res.json())`,
        )
      ).meeting.id;
    };
    const meetingUrl = (id: string) => new URL(`/meet/${id}?ap=0&sfuVideo=320x180@15`, harness.url).toString();

    for (const [name, size] of [
      ['mesh, last of 3', 3],
      ['SFU, last of 6', 6],
    ] as const) {
      if (ONLY && !name.toLowerCase().startsWith(ONLY.toLowerCase())) continue;
      const meetingId = await createMeeting();
      const present = users.slice(0, size - 1);
      const last = users[size - 1]!;
      for (const user of present) await user.page.goto(meetingUrl(meetingId), { waitUntil: 'domcontentloaded' });
      for (const user of present) await waitForRemoteVideos(user.page, size - 2, 60_000);
      log(`${name}: ${size - 1} in the meeting`);
      const byNavigation = new Map(clients.variants.map((variant) => [variant, [] as JoinRun[]]));
      const byPress = new Map(clients.variants.map((variant) => [variant, [] as JoinRun[]]));
      const settle = async () => {
        for (const user of present) await waitForRemoteVideos(user.page, size - 2);
        await sleep(300);
      };
      const stepsAtStart = await readJoinSteps(harness.url);
      // One warm-up join each way and client (first decoder, first camera open of the context);
      // with a baseline the two clients take turns run by run.
      for (let i = -1; i < RUNS; i++) {
        for (const variant of clients.variants) {
          clients.serve(variant);
          const run = await joinByNavigation(last.page, meetingUrl(meetingId));
          if (i >= 0) byNavigation.get(variant)!.push(run);
          await last.page.goto('about:blank');
          await settle();
        }
      }
      const stepsAfterNavigation = await readJoinSteps(harness.url);
      for (let i = -1; i < RUNS; i++) {
        for (const variant of clients.variants) {
          // A second client needs its own page load before the press.
          const reload = clients.serve(variant);
          const run = await joinByPress(last.page, harness.url, meetingId, { reload });
          if (i >= 0) byPress.get(variant)!.push(run);
          await leaveToHome(last.page);
          await settle();
        }
      }
      const stepsAfterPress = await readJoinSteps(harness.url);
      serverSteps.push(
        `${name}, from navigation: ${describeJoinSteps(stepsAfterNavigation, stepsAtStart)}`,
        `${name}, from pressing Join: ${describeJoinSteps(stepsAfterPress, stepsAfterNavigation)}`,
      );
      for (const variant of clients.variants) {
        const label = clients.label(variant);
        const nav = byNavigation.get(variant)!;
        const press = byPress.get(variant)!;
        log(`${name}${label}: from navigation ${nav.map((r) => r.allFrames).join(' ')}`);
        log(`${name}${label}: from pressing Join ${press.map((r) => r.allFrames).join(' ')}`);
        scenarios.push({ name: `${name}, from navigation${label}`, runs: nav });
        scenarios.push({ name: `${name}, from pressing Join${label}`, runs: press });
      }
      for (const user of [...present, last]) await user.page.goto('about:blank');
      await sleep(1000);
    }
  } finally {
    await harness.close();
  }
  console.log(report(scenarios));
  console.log(serverSteps.join('\n'));
  if (JSON_OUT) writeFileSync(JSON_OUT, `${JSON.stringify(scenarios, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(`bench:join failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
