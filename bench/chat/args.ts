import { parseArgs } from 'node:util';

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
  --json FILE          also write the results as JSON
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
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const users = positiveInt('users', values.users, 100);
  const options: BenchOptions = {
    sockets: positiveInt('sockets', values.sockets, 1000),
    users,
    groupSize: positiveInt('group-size', values['group-size'], 2),
    senders: positiveInt('senders', values.senders, Math.min(100, users)),
    rates: (values.rates ?? '200,1000').split(',').map((r) => positiveInt('rates', r.trim(), 0)),
    durationS: positiveInt('duration', values.duration, 10),
    warmupS: positiveInt('warmup', values.warmup, 2),
    textLength: positiveInt('text-length', values['text-length'], 80),
    noBaseline: values['no-baseline'],
    noQueries: values['no-queries'],
    queryMessages: positiveInt('query-messages', values['query-messages'], 1_000_000),
    json: values.json ?? null,
  };
  if (options.groupSize < 2 || options.groupSize > options.users) throw new Error('--group-size must be 2..users');
  if (options.senders > options.users) throw new Error('--senders must be at most --users');
  if (options.sockets < options.users) throw new Error('--sockets must be at least --users');
  return options;
}
