/**
 * The planner's arithmetic against hand-computed plans (docs/capacity.md, "The model").
 * Stream figures used below, at 15 fps:
 *   audio 50 pps, 32 000 + 50×60×8 = 56 000 bit/s
 *   90p 15 pps, 180p 15 pps, 360p 30 pps (264 400 bit/s), 720p 90 pps (743 200 bit/s)
 */
import { describe, expect, it } from 'vitest';
import { audioStream, videoStream } from '../src/capacity/mediaRates.js';
import { consumerBudgetFor, planCapacity } from '../src/capacity/plan.js';

const cost = { ppsOutPerCpuSecond: 100_000, consumersPerCore: 5_000 };

describe('stream rates', () => {
  it('packetises frames of the documented bitrates', () => {
    expect(audioStream()).toEqual({ pps: 50, bps: 56_000 });
    expect(videoStream(90, 15)).toEqual({ pps: 15, bps: 37_200 });
    expect(videoStream(180, 15)).toEqual({ pps: 15, bps: 87_200 });
    expect(videoStream(360, 15)).toEqual({ pps: 30, bps: 264_400 });
    expect(videoStream(720, 15)).toEqual({ pps: 90, bps: 743_200 });
    // 30 fps doubles the bitrate; 720p frames are then 5 833 B → 6 packets each
    expect(videoStream(720, 30).pps).toBe(180);
  });
});

describe('planCapacity', () => {
  it('small meeting without simulcast: everyone sees everyone', () => {
    const plan = planCapacity({ meetings: 1, participants: 6, senders: 6, resolution: 360, simulcast: false }, cost);
    // each: 5 mics × 50 + 5 cameras × 30 down; 50 + 30 up
    expect(plan.meeting.in.pps).toBe(480);
    expect(plan.meeting.out.pps).toBe(2_400);
    expect(plan.meeting.consumers).toBe(60);
    expect(plan.meeting.routers).toBe(1);
    expect(plan.totals.workerCpu).toBeCloseTo(0.024, 9);
    expect(plan.workers).toBe(1);
    expect(plan.mediaNodes).toBe(1);
    expect(plan.perParticipant).toEqual([
      { kind: 'camera+mic', count: 6, upBps: 56_000 + 264_400, downBps: 5 * 56_000 + 5 * 264_400 },
    ]);
    expect(plan.warnings).toEqual([]);
  });

  it('simulcast sends every layer in and one layer out; off sends the full stream out', () => {
    const base = { meetings: 1, participants: 10, senders: 10, resolution: 720 } as const;
    const on = planCapacity({ ...base, simulcast: true }, cost);
    // 9 other cameras, 8 on the first page + own preview = 9 tiles → 900/3 = 300 px → layer 1 (360p)
    expect(on.meeting.classes[0]?.videoByLayer).toEqual([0, 8, 0]);
    expect(on.meeting.in.pps).toBe(10 * (50 + 15 + 30 + 90));
    expect(on.meeting.out.pps).toBe(10 * (9 * 50 + 8 * 30));
    expect(on.meeting.consumers).toBe(180);
    expect(on.meeting.activeConsumers).toBe(170);
    const off = planCapacity({ ...base, simulcast: false }, cost);
    expect(off.meeting.in.pps).toBe(10 * (50 + 90));
    expect(off.meeting.out.pps).toBe(10 * (9 * 50 + 8 * 90));
  });

  it('a big meeting spreads over workers under the consumer budget and pays for the pipes', () => {
    const plan = planCapacity(
      {
        meetings: 4,
        participants: 100,
        senders: 10,
        audioSenders: 10,
        resolution: 720,
        headroom: 0.1,
        coresPerNode: 2,
      },
      cost,
    );
    // 10 senders see 9 mics + 8 of 9 cameras (690 pps); 90 listeners 10 mics + 8 cameras (740 pps)
    expect(plan.meeting.out.pps).toBe(10 * 690 + 90 * 740);
    expect(plan.meeting.in.pps).toBe(1_850);
    // 20 consumers per listener → ceil(400 / 20) = 20 receivers per router → 5 routers
    expect(plan.meeting.receiversPerRouter).toBe(20);
    expect(plan.meeting.routers).toBe(5);
    expect(plan.meeting.pipe.pps).toBe(4 * 1_850);
    expect(plan.meetingCpu).toBeCloseTo((73_500 + 7_400) / 100_000, 9);
    expect(plan.primaryWorkerCpu).toBeCloseTo((73_500 * 0.2 + 7_400) / 100_000, 9);
    expect(plan.totals.workerCpu).toBeCloseTo(3.236, 9);
    // cpu: 3.236 / 0.9 → 4; spread: 5 distinct workers; consumers: 7 160 / (5 000 × 0.9 / 0.8) → 2
    expect(plan.workersBy).toEqual({ cpu: 4, consumers: 2, 'meeting spread': 5 });
    expect(plan.limitedBy).toBe('meeting spread');
    expect(plan.workers).toBe(5);
    expect(plan.mediaNodes).toBe(3);
    const spread = plan.warnings.find((w) => w.includes('spreads over 5 workers'));
    expect(spread).toContain('SFU_NODE_CONSUMER_BUDGET'); // the server pipes across nodes when that is set
    expect(spread).not.toContain('does not pipe');
  });

  it('derives the consumer budget from the calibration: consumers per worker at the target CPU', () => {
    // 2600 per core at 80 %: at 70 % (default headroom) 2275 → 2200; at 90 % 2925 → 2900
    expect(consumerBudgetFor({ consumersPerCore: 2600 }, 0.3)).toBe(2200);
    expect(consumerBudgetFor({ consumersPerCore: 2600 }, 0.1)).toBe(2900);
    expect(consumerBudgetFor({ consumersPerCore: 50 }, 0.3)).toBe(100);
    // The 300-person meeting (4 cameras, 10 mics): 400 spread it over 11 routers; the
    // derived budget keeps it on as many workers as its CPU needs.
    const shape = { meetings: 1, participants: 300, senders: 4, audioSenders: 10, resolution: 720, coresPerNode: 2 };
    const calibrated = { ppsOutPerCpuSecond: 165_800, consumersPerCore: 2600 };
    expect(planCapacity({ ...shape, consumerBudget: 400 }, calibrated).workersBy['meeting spread']).toBe(11);
    const derived = planCapacity({ ...shape, consumerBudget: consumerBudgetFor(calibrated, 0.3) }, calibrated);
    expect(derived.workersBy['meeting spread']).toBeLessThanOrEqual(derived.workersBy.cpu);
  });

  it('headroom sets the target utilisation', () => {
    const base = { meetings: 100, participants: 6, senders: 6, resolution: 360, simulcast: false } as const;
    // 100 × 0.024 = 2.4 cores of forwarding
    expect(planCapacity({ ...base, headroom: 0 }, cost).workers).toBe(3);
    expect(planCapacity({ ...base }, cost).workers).toBe(4); // default 30 %: 2.4 / 0.7 = 3.43
    expect(planCapacity({ ...base, headroom: 0.5 }, cost).workers).toBe(5);
    expect(planCapacity({ ...base, headroom: 0.5, coresPerNode: 2 }, cost).mediaNodes).toBe(3);
  });

  it('adds the input cost when the calibration gives one', () => {
    const plan = planCapacity(
      { meetings: 1, participants: 6, senders: 6, resolution: 360, simulcast: false },
      { ...cost, cpuSecondsPerPacketIn: 1e-6 },
    );
    expect(plan.totals.workerCpu).toBeCloseTo(0.024 + 480e-6, 9);
  });

  it('speaker view: one main tile at the high layer, thumbnails at the low one', () => {
    const plan = planCapacity({ meetings: 1, participants: 12, senders: 12, resolution: 720, layout: 'speaker' }, cost);
    // 11 other cameras: 1 main (720 px → layer 2) + min(10, 7) thumbnails (180 px → layer 0)
    expect(plan.meeting.classes[0]?.videoByLayer).toEqual([7, 0, 1]);
    expect(plan.meeting.out.pps).toBe(12 * (11 * 50 + 90 + 7 * 15));
  });

  it('warns about meetings small enough for the P2P mesh', () => {
    const plan = planCapacity({ meetings: 1, participants: 3, senders: 3, resolution: 360 }, cost);
    expect(plan.warnings.some((w) => w.includes('P2P mesh'))).toBe(true);
  });

  it('rejects invalid input with a clear error', () => {
    expect(() => planCapacity({ meetings: 1, participants: 5, senders: 6, resolution: 360 }, cost)).toThrow(
      /invalid plan: senders: 6 cannot exceed participants \(5\)/,
    );
    expect(() => planCapacity({ meetings: 0, participants: 5, senders: 1, resolution: 360 }, cost)).toThrow(
      /invalid plan: meetings: must be at least 1/,
    );
    expect(() => planCapacity({ meetings: 1, participants: 5, senders: 1, resolution: 480 }, cost)).toThrow(
      /resolution: must be one of 180, 360, 540, 720, 1080/,
    );
    expect(() => planCapacity({ meetings: 1, participants: 5, senders: 1, resolution: 180 }, cost)).toThrow(
      /resolution: with simulcast, must be one of 360, 540, 720, 1080/,
    );
    expect(() =>
      planCapacity({ meetings: 1, participants: 5, senders: 1, resolution: 360, headroom: 1 }, cost),
    ).toThrow(/headroom: must be between 0 and 0.9/);
    expect(() => planCapacity({ meetings: 1.5, participants: 5, senders: 1, resolution: 360 }, cost)).toThrow(
      /meetings: must be a whole number/,
    );
    expect(() =>
      planCapacity(
        { meetings: 1, participants: 5, senders: 1, resolution: 360 },
        { ppsOutPerCpuSecond: 0, consumersPerCore: 1 },
      ),
    ).toThrow(/invalid calibration: ppsOutPerCpuSecond: must be above 0/);
  });
});
