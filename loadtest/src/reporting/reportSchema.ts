/**
 * zod schema of the part of report.json that `--check-report` reads back (the summary), so a
 * hand-edited or foreign file gets a clear error instead of wrong verdicts.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { RunSummary } from '../reportTypes.js';

const n = z.number().nullable();
const DistributionSchema = z.object({ count: z.number(), mean: n, min: n, p5: n, p50: n, p95: n, max: n });

export const RunSummarySchema = z.object({
  clients: z.number(),
  joined: z.number(),
  failed: z.number(),
  failures: z.array(z.object({ id: z.string(), stage: z.string(), reason: z.string() })),
  joinMs: DistributionSchema,
  firstFrameMs: DistributionSchema,
  fps: DistributionSchema,
  // Reports older than fpsRatio read back as "no data".
  fpsRatio: DistributionSchema.default({ count: 0, mean: null, min: null, p5: null, p50: null, p95: null, max: null }),
  freezesPerMinute: DistributionSchema,
  packetLoss: DistributionSchema,
  jitterMs: DistributionSchema,
  rttMs: DistributionSchema,
  bitrateIn: DistributionSchema,
  workerCpu: z.object({ max: n, mean: n, totalMax: n, totalMean: n }),
  consumersMax: n,
  eventLoopLagMs: DistributionSchema,
  logins: z
    .object({
      targetRate: z.number(),
      attempted: z.number(),
      ok: z.number(),
      failed: z.number(),
      ratePerSec: n,
      loginMs: DistributionSchema,
      requestMs: DistributionSchema,
      retried: z.number(),
      refusedByStatus: z.record(z.string(), z.number()),
      failuresByStatus: z.record(z.string(), z.number()),
    })
    .optional(),
}) satisfies z.ZodType<RunSummary>;

const StoredReportSchema = z.object({
  tool: z.literal('parley-loadtest'),
  version: z.literal(1),
  summary: RunSummarySchema,
});

/** Reads a report.json and returns its summary; throws a readable error. */
export function readReportSummary(path: string): RunSummary {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not JSON`);
  }
  const parsed = StoredReportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path} is not a parley-loadtest report (${issue?.path.join('.') || 'root'}: ${issue?.message})`);
  }
  return parsed.data.summary;
}
