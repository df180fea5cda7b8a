import { parseArgs } from 'node:util';
import { z } from 'zod/v4';
import { DEFAULT_SFU_BENCH_OPTIONS } from './runSfuBench.js';
import type { SfuBenchOptions, WorkerVariant } from './types.js';

export interface CliOptions {
  bench: SfuBenchOptions;
  json: string | null;
}

const HELP = `npm run bench:sfu -- [options]

SFU forwarding capacity of one mediasoup worker: a Node RTP sender feeds plain-transport
producers, SRTP plain-transport consumers forward to UDP sinks that count the packets. Steps up
the consumers per worker; per step prints worker CPU (getResourceUsage), packets/s in and out and
packets/s out per CPU-second, for Parley's media node (over its RPC) and for bare mediasoup with
the same topology (the ratio is Parley's overhead), for each worker binary of --variants.

  --steps A,B,...    consumers per worker at each step (default ${DEFAULT_SFU_BENCH_OPTIONS.steps.join(',')})
  --warmup S         seconds before each measuring window (default ${DEFAULT_SFU_BENCH_OPTIONS.warmupS})
  --window S         measuring window per step, seconds (default ${DEFAULT_SFU_BENCH_OPTIONS.windowS})
  --mix NAME         meeting (4 opus + 1 VP8-like video per receiver, default) or audio (5 opus)
  --variants LIST    worker binaries, measured one after the other in this run (default: default):
                     a build variant of the installed mediasoup (default, lto, native, lto-native:
                     media-workers/build/lib/build-variants.mjs), another mediasoup version from
                     the worker cache (e.g. 3.19.3: bare mediasoup of that version only), or a
                     path to a binary (path@3.19.3 for another version's). A missing one is skipped
  --no-baseline      Parley only
  --no-srtp          consumers receive plain RTP, not SRTP (what SRTP costs; see
                     PLAIN_RTP_SPEEDUP in loadtest/src/capacity/check.ts)
  --rounds N         runs of each path, alternating which goes first; each step keeps its
                     median round (default 1; 3 steadies the Parley/bare ratio on a busy host)
  --quick            smoke run: steps 50,200, warm-up 1 s, window 2 s, default build only
  --sink MODE        held (default): sinks never read, the kernel counts every packet at the
                     socket; read: the traffic process reads them (costs a core on 2 cores)
  --port-base N      listen only on N .. N+899 (default ${DEFAULT_SFU_BENCH_OPTIONS.portBase})
  --json FILE        also write every figure as JSON
  --help`;

const Seconds = z.coerce.number().positive().max(600);
const Args = z.object({
  steps: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of consumer counts')
    .transform((s) => s.split(',').map(Number))
    .refine((list) => list.every((n) => n >= 1 && n <= 4000), 'each step must be 1-4000 consumers')
    .transform((list) => [...new Set(list)].sort((a, b) => a - b))
    .optional(),
  warmup: Seconds.optional(),
  window: Seconds.optional(),
  mix: z.enum(['meeting', 'audio']).optional(),
  variants: z
    .string()
    .transform((s) => s.split(','))
    .pipe(z.array(z.string().regex(/^[\w./@+-]+$/, 'each variant: a build variant, a version or a path')).min(1))
    .optional(),
  'port-base': z.coerce.number().int().min(1024).max(64_000).optional(),
  rounds: z.coerce.number().int().min(1).max(9).optional(),
  sink: z.enum(['held', 'read']).optional(),
});

export function parseSfuArgs(argv: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      steps: { type: 'string' },
      warmup: { type: 'string' },
      window: { type: 'string' },
      mix: { type: 'string' },
      variants: { type: 'string' },
      'no-baseline': { type: 'boolean', default: false },
      'no-srtp': { type: 'boolean', default: false },
      rounds: { type: 'string' },
      sink: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'port-base': { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const parsed = Args.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`--${String(issue?.path[0] ?? '?')} ${issue?.message ?? 'is invalid'}`);
  }
  const a = parsed.data;
  const quick: Partial<SfuBenchOptions> = values.quick
    ? { steps: [50, 200], warmupS: 1, windowS: 2, variants: ['default'] }
    : {};
  const bench: SfuBenchOptions = {
    ...DEFAULT_SFU_BENCH_OPTIONS,
    ...quick,
    ...(a.steps ? { steps: a.steps } : {}),
    ...(a.warmup ? { warmupS: a.warmup } : {}),
    ...(a.window ? { windowS: a.window } : {}),
    ...(a.mix ? { mix: a.mix } : {}),
    ...(a.variants ? { variants: [...new Set(a.variants)] as WorkerVariant[] } : {}),
    ...(a['port-base'] ? { portBase: a['port-base'] } : {}),
    ...(a.rounds ? { rounds: a.rounds } : {}),
    ...(a.sink ? { sink: a.sink } : {}),
    noBaseline: values['no-baseline'],
    srtp: !values['no-srtp'],
  };
  return { bench, json: values.json ?? null };
}

export { HELP };
