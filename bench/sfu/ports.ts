/**
 * Port layout of the benchmark, relative to --port-base (default 46000); everything it listens
 * on is inside base .. base + 899 (the media node's RPC and WebRtcServer, the sender, the sinks and
 * every plain transport of both paths, which run one after the other).
 */
export interface PortLayout {
  rpc: number;
  /** MEDIA_RTC_PORT of the media node (one worker: this port only). */
  rtc: number;
  sender: number;
  sinks: number[];
  /** Plain transports (Parley: createPlainTransport portRange; bare: rtcMinPort..rtcMaxPort). */
  transports: { min: number; max: number };
}

export const SINK_SOCKETS = 4;

export function portLayout(base: number): PortLayout {
  return {
    rpc: base,
    rtc: base + 1,
    sender: base + 10,
    sinks: Array.from({ length: SINK_SOCKETS }, (_, i) => base + 20 + i),
    transports: { min: base + 100, max: base + 899 },
  };
}

/** Receivers a step can have: one port each, one more for the producers' transport. */
export function maxReceivers(layout: PortLayout): number {
  return layout.transports.max - layout.transports.min;
}
