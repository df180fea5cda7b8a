import { parseArgs } from 'node:util';
import type { ClientKind } from './fleet.js';

export interface BenchOptions {
  sockets: number;
  users: number;
  /** Members per conversation (2: direct conversations made through contacts). */
  groupSize: number;
  senders: number;
  /** Target send rates (messages/s), one load point each. */
  rates: number[];
  durationS: number;
  warmupS: number;
  textLength: number;
  /** Skip the Socket.io + redis-adapter relay baseline. */
  noBaseline: boolean;
  /** Skip the 1M-message query timings. */
  noQueries: boolean;
  queryMessages: number;
  json: string | null;
  /** First of the ports the benchmark listens on: Parley in base..base+9, relay in base+10..base+19. */
  portBase: number;
  /** Write a V8 CPU profile of every server process (and the load generator) into this folder. */
  cpuProf: string | null;
  /** Parley's database with synchronous_commit = off (the durability trade, measured). */
  asyncCommit: boolean;
  /** The load generator's client library. */
  client: ClientKind;
  /**
   * The meeting-chat case: one link meeting whose every socket joins it (join_meeting), the
   * messages sent in the meeting's conversation (one group of all users).
   */
  meeting: boolean;
}

const HELP = `npm run bench:chat -- [options]

Starts two Parley instances (separate processes, fresh PostgreSQL database, Redis), connects
sockets spread over both, sends at each target rate and measures send→receive latency, delivery
rate and server RSS per idle socket; then the same load against a bare Socket.io + redis-adapter
relay (two processes, no database) for the Parley/baseline ratios; then query timings on a
conversation of --query-messages messages.

  --sockets N          connected sockets (default 1000)
  --users N            users owning them, round-robin (default 100)
  --group-size N       members per conversation; 2 = direct conversations (default 2)
  --senders N          sockets that send, one per user (default 100)
  --rates A,B          target send rates in messages/s (default 200,1000)
  --duration S         measured seconds per load point (default 10)
  --warmup S           unmeasured seconds before each load point (default 2)
  --text-length N      characters per message (default 80)
  --no-baseline        skip the relay baseline
  --no-queries         skip the history/unread query timings
  --query-messages N   messages in the query-timing conversation (default 1000000)
  --async-commit       Parley's database with synchronous_commit = off (commits do not wait
                       for the WAL flush: faster, may lose the last acknowledged messages
                       in a PostgreSQL crash)
  --client KIND        load-generator sockets: light (a minimal Socket.io client that never
                       parses received messages; default) or socketio (socket.io-client,
                       about twice the generator CPU, taken from the servers' cores)
  --meeting            the meeting-chat case: one meeting of all sockets (defaults then:
                       --sockets 300 --users 300 --group-size 300 --senders 50
                       --rates 20,50 --no-queries); every socket joins the meeting and each
                       message reaches all of them; the relay baseline gets one conversation
                       of the same members
  --json FILE          also write the results as JSON
  --port-base N        Parley listens on the first two free ports of N..N+9, the relay on
                       the first two of N+10..N+19
                       (default: env BENCH_CHAT_PORT_BASE, else 3350)
  --cpu-prof DIR       V8 CPU profiles (.cpuprofile) of the server processes and of this load
                       generator into DIR; read them with bench/chat/cpuProfileTop.ts
  --help`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer (got "${value}")`);
  return n;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      sockets: { type: 'string' },
      users: { type: 'string' },
      'group-size': { type: 'string' },
      senders: { type: 'string' },
      rates: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      'text-length': { type: 'string' },
      'no-baseline': { type: 'boolean', default: false },
      'no-queries': { type: 'boolean', default: false },
      'query-messages': { type: 'string' },
      json: { type: 'string' },
      'port-base': { type: 'string' },
      'cpu-prof': { type: 'string' },
      client: { type: 'string', default: 'light' },
      'async-commit': { type: 'boolean', default: false },
      meeting: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const meeting = values.meeting;
  const users = positiveInt('users', values.users, meeting ? 300 : 100);
  const options: BenchOptions = {
    sockets: positiveInt('sockets', values.sockets, meeting ? users : 1000),
    users,
    groupSize: positiveInt('group-size', values['group-size'], meeting ? users : 2),
    senders: positiveInt('senders', values.senders, Math.min(meeting ? 50 : 100, users)),
    rates: (values.rates ?? (meeting ? '20,50' : '200,1000')).split(',').map((r) => positiveInt('rates', r.trim(), 0)),
    durationS: positiveInt('duration', values.duration, 10),
    warmupS: positiveInt('warmup', values.warmup, 2),
    textLength: positiveInt('text-length', values['text-length'], 80),
    noBaseline: values['no-baseline'],
    noQueries: values['no-queries'] || meeting,
    queryMessages: positiveInt('query-messages', values['query-messages'], 1_000_000),
    json: values.json ?? null,
    portBase: positiveInt('port-base', values['port-base'] ?? process.env.BENCH_CHAT_PORT_BASE, 3350),
    cpuProf: values['cpu-prof'] ?? null,
    client: values.client === 'socketio' ? 'socketio' : 'light',
    asyncCommit: values['async-commit'],
    meeting,
  };
  if (values.client !== 'light' && values.client !== 'socketio')
    throw new Error(`--client must be light or socketio (got "${values.client}")`);
  if (options.portBase > 65_516) throw new Error('--port-base must leave room for base+19 below 65536');
  if (options.groupSize < 2 || options.groupSize > options.users) throw new Error('--group-size must be 2..users');
  if (options.senders > options.users) throw new Error('--senders must be at most --users');
  if (options.sockets < options.users) throw new Error('--sockets must be at least --users');
  if (meeting && options.groupSize !== options.users) throw new Error('--meeting: --group-size must equal --users');
  return options;
}
