/**
 * `npm run bench:chat`: Parley chat under load against a bare Socket.io relay baseline, then
 * query timings at scale. Options: `npm run bench:chat -- --help`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { portInRange, stopAllServerProcesses } from '../../test/support/serverProcess.js';
import { dropAllTestDatabases } from '../../test/support/testDatabase.js';
import { parseBenchArgs } from './args.js';
import type { Target, TargetOptions } from './fleet.js';
import { measureTarget, type TargetResult } from './measureTarget.js';
import { startParleyTarget } from './parleyTarget.js';
import { loadAverage } from './procStats.js';
import { timeQueries, type QueryTiming } from './queries.js';
import { startRelayTarget } from './relayTarget.js';
import { printReport } from './report.js';
import { startSelfProfile } from './selfProfile.js';
import { makeTopology, type Topology } from './topology.js';

const log = (line: string) => console.error(`[bench:chat] ${line}`);

type Options = ReturnType<typeof parseBenchArgs>;

async function measure(
  start: (t: Topology, o: TargetOptions) => Promise<Target>,
  firstPort: number,
  topology: Topology,
  options: Options,
) {
  // The first free ports of the ten from firstPort: the range may lie among the OS's ephemeral
  // ports, which the generator's own outgoing connections can be holding right now.
  const a = await portInRange(firstPort, firstPort + 9);
  const b = await portInRange(a + 1, firstPort + 9);
  const target = await start(topology, {
    ports: [a, b],
    cpuProfDir: options.cpuProf,
    asyncCommit: options.asyncCommit,
    meeting: options.meeting,
  });
  try {
    return await measureTarget(
      target,
      topology,
      options.rates,
      {
        durationS: options.durationS,
        warmupS: options.warmupS,
        senders: options.senders,
        textLength: options.textLength,
      },
      log,
      options.client,
    );
  } finally {
    await target.stop();
  }
}

async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2));
  const topology = makeTopology(options.users, options.sockets, options.groupSize);
  const fanOut = topology.groups[0]!.reduce((n, u) => n + topology.socketsOf(u), 0);
  const header = [
    `Parley chat benchmark${options.meeting ? ' (meeting chat: every socket in one meeting, messages in its conversation)' : ''} — ${options.sockets} sockets over 2 instances, ${options.users} users, ` +
      `${topology.groups.length} conversations of ${options.groupSize}, ${options.senders} senders, ` +
      `${options.textLength}-char messages; each message reaches ${fanOut} sockets (the sender's own included); ` +
      `generator client: ${options.client}` +
      `${options.asyncCommit ? '; Parley database with synchronous_commit = off' : ''}.`,
    `Machine: ${cpus().length} cores; load average at start ${loadAverage()}. ` +
      `Latency = send → receive at every receiving socket (one load-generator process).`,
    `Columns: msgs/s = messages delivered to all their sockets per second; recv/s = socket receives per second; ` +
      `ack = send → acknowledgement; lag99 = how late the load generator sent (p99 ms); ` +
      `cpu/msg = CPU time of both server processes per message sent; db/msg = the same for the PostgreSQL backends serving Parley.`,
  ];
  log(header[0]!);
  const profile = options.cpuProf ? await startSelfProfile(options.cpuProf) : null;
  const results: TargetResult[] = [];
  results.push(await measure(startParleyTarget, options.portBase, topology, options));
  if (!options.noBaseline) results.push(await measure(startRelayTarget, options.portBase + 10, topology, options));
  if (profile) log(`CPU profiles in ${options.cpuProf} (this generator: ${await profile.stop()})`);
  const queries: QueryTiming[] = options.noQueries ? [] : await timeQueries(options.queryMessages, log);
  printReport(results, queries, header);
  if (options.json) {
    mkdirSync(dirname(options.json), { recursive: true });
    writeFileSync(options.json, JSON.stringify({ options, results, queries, loadAverage: loadAverage() }, null, 2));
  }
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopAllServerProcesses();
    await dropAllTestDatabases();
  });
