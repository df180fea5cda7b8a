/**
 * The planner's input (what the operator asks about) and the calibration figures it needs,
 * both validated with zod so a bad flag or file gives a clear error, never a wrong plan.
 */
import { z } from 'zod';
import { RESOLUTIONS, SIMULCAST_RESOLUTIONS } from './mediaRates.js';

const positiveInt = () =>
  z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1');

export const PlanInputSchema = z
  .object({
    /** Meetings running at the same time. */
    meetings: positiveInt(),
    /** Participants per meeting (each receives). */
    participants: positiveInt().max(10_000, 'must be at most 10000'),
    /** Participants per meeting sending a camera. */
    senders: z.number().int('must be a whole number').min(0, 'must be 0 or more'),
    /** Participants per meeting sending audio (unmuted mic); default: every participant. */
    audioSenders: z.number().int('must be a whole number').min(0, 'must be 0 or more').optional(),
    /** Camera picture height. */
    resolution: z
      .number()
      .refine((h) => (RESOLUTIONS as readonly number[]).includes(h), `must be one of ${RESOLUTIONS.join(', ')}`),
    fps: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be between 1 and 60')
      .max(60, 'must be between 1 and 60')
      .default(15),
    simulcast: z.boolean().default(true),
    /** What receivers look at: the paged grid or the speaker view. */
    layout: z.enum(['grid', 'speaker']).default('grid'),
    /** Tiles per grid page, the own preview included (client/src/meeting/layout/paging.ts). */
    pageSize: z.number().int().min(2, 'must be at least 2').max(10_001, 'must be at most 10001').default(9),
    /** Height in px of the receivers' video stage (decides the tile height, hence the layer). */
    stageHeight: z.number().int().min(100).max(4320).default(900),
    /** Fraction of each core kept free: target utilisation = 1 − headroom. */
    headroom: z.number().min(0, 'must be between 0 and 0.9').max(0.9, 'must be between 0 and 0.9').default(0.3),
    /** mediasoup workers (= cores) per media node. */
    coresPerNode: positiveInt().default(8),
    /** SFU_CONSUMER_BUDGET of the media nodes (consumers per router before another worker's router). */
    consumerBudget: positiveInt().default(400),
  })
  .superRefine((v, ctx) => {
    if (v.senders > v.participants)
      ctx.addIssue({
        code: 'custom',
        path: ['senders'],
        message: `${v.senders} cannot exceed participants (${v.participants})`,
      });
    if (v.audioSenders !== undefined && v.audioSenders > v.participants) {
      ctx.addIssue({
        code: 'custom',
        path: ['audioSenders'],
        message: `${v.audioSenders} cannot exceed participants (${v.participants})`,
      });
    }
    if (v.simulcast && !(SIMULCAST_RESOLUTIONS as readonly number[]).includes(v.resolution)) {
      ctx.addIssue({
        code: 'custom',
        path: ['resolution'],
        message: `with simulcast, must be one of ${SIMULCAST_RESOLUTIONS.join(', ')} (its layers are ÷4 and ÷2)`,
      });
    }
  });

export type PlanInput = z.input<typeof PlanInputSchema>;
export type PlanSettings = z.output<typeof PlanInputSchema>;

/** The calibrated cost of forwarding on one worker (one core). */
export const WorkerCostSchema = z.object({
  /** RTP packets a worker sends per second of its CPU time. */
  ppsOutPerCpuSecond: z.number().positive('must be above 0'),
  /** CPU seconds per packet received (0 when the calibration folds it into the output cost). */
  cpuSecondsPerPacketIn: z.number().min(0).default(0),
  /** Active consumers one core carries at ~80 % CPU (the calibration's packet mix). */
  consumersPerCore: z.number().positive('must be above 0'),
});

export type WorkerCostInput = z.input<typeof WorkerCostSchema>;
export type WorkerCost = z.output<typeof WorkerCostSchema>;

/** Readable message from a zod error: `field: message; field: message`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** Validates the input; throws an Error with every problem listed. */
export function parsePlanInput(raw: unknown): PlanSettings {
  const parsed = PlanInputSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid plan: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export function parseWorkerCost(raw: unknown): WorkerCost {
  const parsed = WorkerCostSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid calibration: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
