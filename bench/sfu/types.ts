/** Shapes shared by the SFU forwarding benchmark's modules and its callers (loadtest/ calibrate). */

/** One RTP stream of the packet mix: one producer. */
export interface StreamSpec {
  kind: 'audio' | 'video';
  /** e.g. "opus" or "vp8" */
  codec: 'opus' | 'vp8';
  /** RTP packets per second. */
  packetsPerSecond: number;
  /** Size of each RTP packet as sent (header + payload), bytes. */
  packetBytes: number;
  /** Video only: packets per frame (the marker bit is set on the last one). */
  packetsPerFrame?: number;
}

export interface PacketMix {
  name: string;
  description: string;
  /** The producers; every receiver consumes each of them once. */
  streams: StreamSpec[];
  /** Sum of the streams' packet rates: packets/s into the worker, and out per receiver. */
  packetsPerSecondIn: number;
  /** Mean RTP packet size of the mix, weighted by packet rate (bytes, before SRTP). */
  meanPacketBytes: number;
}

export type PathName = 'parley' | 'bare';
/**
 * How the sinks count what the worker forwards:
 * - held (default): the sink sockets belong to a stopped child process and are never read; every
 *   packet still crosses the kernel's receive path to the socket and is counted as a drop there
 *   (/proc/net/udp). No reader competes with the worker for the cores.
 * - read: the traffic process reads every packet (plus the drops at a small buffer); on a 2-core
 *   host the reader takes much of the second core and wakes on every packet.
 */
export type SinkMode = 'held' | 'read';
/**
 * A worker binary to measure (bench/sfu/workerBinaries.ts): a build variant of the installed
 * mediasoup (`default`, `lto`, ...), another mediasoup version (`3.19.3`), or a path.
 */
export type WorkerVariant = string;

export interface SfuBenchOptions {
  /** Consumers per worker at each step, ascending. */
  steps: number[];
  warmupS: number;
  windowS: number;
  mix: 'meeting' | 'audio';
  /** Which worker builds to measure (those missing from the cache are skipped with a note). */
  variants: WorkerVariant[];
  /** Skip the bare mediasoup baseline. */
  noBaseline: boolean;
  /**
   * Runs of each path (default 1), alternating which goes first; each step reports its median
   * round. More rounds make the Parley/bare ratio sturdier on a machine whose load drifts.
   */
  rounds: number;
  /** How the sinks count (see SinkMode). */
  sink: SinkMode;
  /**
   * Consumers' transports encrypt with SRTP (default, as WebRTC does). False (`--no-srtp`):
   * plain RTP, to measure what SRTP costs (the capacity planner's PLAIN_RTP_SPEEDUP).
   */
  srtp: boolean;
  /** First of the 2000 ports the benchmark may listen on (layout in bench/sfu/ports.ts). */
  portBase: number;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

/** One measured step of one path. */
export interface StepResult {
  consumers: number;
  /** Plain transports with SRTP, each consuming every producer of the mix. */
  receivers: number;
  seconds: number;
  ppsIn: number;
  /** Packets that reached the sink sockets per second (read + dropped by a full socket buffer). */
  ppsOut: number;
  /** What the topology should give: receivers × ppsIn (ppsOut well below it means loss). */
  ppsOutExpected: number;
  /** Packets the kernel dropped at the sink sockets (buffer full), per second; part of ppsOut. */
  sinkDropsPerS: number;
  /**
   * RTP packets/s the kernel dropped at the worker's input socket: the worker fell behind (its
   * core saturated, or it was starved by other load). ppsIn counts them as sent.
   */
  inputDropsPerS: number;
  /**
   * ppsOut / ppsOutExpected. Under 0.95 the worker did not keep up (a saturated core, or starved
   * by other load on the machine): the step is not used for the capacity figures.
   */
  delivered: number;
  /** Worker CPU over the window, fraction of one core (1 = 100 %). */
  workerCpu: number;
  /** ppsOut / workerCpu: packets out per CPU-second of the worker. */
  ppsOutPerCpuSecond: number;
}

export interface PathResult {
  path: PathName;
  variant: WorkerVariant;
  workerBin: string;
  steps: StepResult[];
  /** At the highest step that delivered >= 95 % (else the highest step): the most packets per fixed cost. */
  ppsOutPerCpuSecond: number;
  /** The step ppsOutPerCpuSecond comes from. */
  ppsOutPerCpuSecondAt: number;
  /** Consumers one worker carries at 80 % of a core (see interpolation; from the steps that delivered >= 95 %). */
  consumersPerCore: number;
  /**
   * "interpolated": between the two steps around 80 % CPU; "extrapolated": every step was below
   * (or above) 80 %, so from a least-squares line of CPU against consumers.
   */
  interpolation: 'interpolated' | 'extrapolated';
  /** Every round's steps, when there was more than one. */
  rounds?: StepResult[][];
  error?: string;
}

export interface VariantComparison {
  variant: WorkerVariant;
  /** The mediasoup version the binary speaks. */
  mediasoupVersion?: string;
  /** Why a path did not run (e.g. Parley for another mediasoup version). */
  notes?: string[];
  parley?: PathResult;
  bare?: PathResult;
  /**
   * Parley's packets/s per CPU-second over bare's at the highest step that both delivered
   * (>= 95 %), else parley.ppsOutPerCpuSecond / bare.ppsOutPerCpuSecond.
   */
  capacityRatio?: number;
  /** The step capacityRatio was taken at (absent: from the headline figures). */
  capacityRatioAt?: number;
  /** Per step (same consumers): Parley's packets per CPU-second over bare's. */
  stepRatios: Array<{ consumers: number; ratio: number }>;
}

export interface SfuBenchResult {
  startedAt: string;
  host: { cpus: number; model: string; loadAverage: number[] };
  mediasoupVersion: string;
  mix: PacketMix;
  options: Omit<SfuBenchOptions, 'log'>;
  variants: VariantComparison[];
  /** Variants not measured, with why (e.g. binary not built). */
  skipped: Array<{ variant: WorkerVariant; reason: string }>;
  /** The variant with the higher Parley packets/s per CPU-second (what calibrate uses). */
  best: {
    variant: WorkerVariant;
    ppsOutPerCpuSecond: number;
    consumersPerCore: number;
    interpolation: 'interpolated' | 'extrapolated';
    /** Parley over bare, when the baseline ran. */
    capacityRatio?: number;
    mix: PacketMix;
  } | null;
}
