/**
 * The calibration file (default ./data/capacity.json): the worker's measured forwarding cost on
 * this hardware, with the machine it was measured on. Written by `capacity calibrate`, read
 * (and validated) by `plan` and `check`.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { MachineInfoSchema } from './machineInfo.js';
import { describeIssues, WorkerCostSchema } from './planInput.js';

export const DEFAULT_CALIBRATION_FILE = './data/capacity.json';
export const CALIBRATION_VERSION = 1;

export const CalibrationSchema = z.object({
  version: z.literal(CALIBRATION_VERSION),
  createdAt: z.string(),
  machine: MachineInfoSchema,
  cost: WorkerCostSchema,
  /** How it was measured: the benchmark's options, packet mix, SRTP, and its raw headline figures. */
  bench: z.object({
    quick: z.boolean(),
    /** Worker build measured (a build variant: default, lto, ...; liburing / no-liburing before recipe 4). */
    variant: z.string(),
    srtp: z.boolean(),
    packetMix: z.string(),
    durationSec: z.number(),
    figures: z.record(z.string(), z.unknown()),
  }),
});

export type Calibration = z.infer<typeof CalibrationSchema>;

export async function readCalibration(file = DEFAULT_CALIBRATION_FILE): Promise<Calibration> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new Error(
        `no calibration at ${file}: run \`npm run capacity -- calibrate\` first (or pass --pps-per-cpu and --consumers-per-core)`,
        { cause: err },
      );
    throw new Error(`cannot read calibration ${file}: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`calibration ${file} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = CalibrationSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(`calibration ${file} is invalid (${describeIssues(parsed.error)}); run calibrate again`);
  return parsed.data;
}

/** Writes atomically (temp file + rename) so a crash never leaves half a calibration. */
export async function writeCalibration(calibration: Calibration, file = DEFAULT_CALIBRATION_FILE): Promise<void> {
  const valid = CalibrationSchema.parse(calibration);
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(valid, null, 2)}\n`);
  await rename(tmp, file);
}
