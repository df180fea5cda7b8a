import type { PeerStats } from './MeetingSession.js';

/**
 * Adds what a mesh link's `getStats()` report says to `result`: decoded video frames and their
 * rate, received audio packets, and the selected candidate pair (its types and round-trip time).
 */
export function readPeerStats(report: RTCStatsReport, result: PeerStats): PeerStats {
  const byId = new Map<string, Record<string, unknown>>();
  report.forEach((entry: Record<string, unknown>) => byId.set(entry.id as string, entry));
  for (const entry of byId.values()) {
    if (entry.type === 'inbound-rtp' && entry.kind === 'video') {
      result.framesDecoded += Number(entry.framesDecoded ?? 0);
      if (typeof entry.framesPerSecond === 'number') result.framesPerSecond = entry.framesPerSecond;
    }
    if (entry.type === 'inbound-rtp' && entry.kind === 'audio')
      result.audioPacketsReceived += Number(entry.packetsReceived ?? 0);
    if (entry.type === 'transport' && typeof entry.selectedCandidatePairId === 'string') {
      const pair = byId.get(entry.selectedCandidatePairId);
      const localCandidate = pair ? byId.get(pair.localCandidateId as string) : undefined;
      const remoteCandidate = pair ? byId.get(pair.remoteCandidateId as string) : undefined;
      if (pair && typeof pair.currentRoundTripTime === 'number') result.roundTripTime = pair.currentRoundTripTime;
      if (localCandidate && remoteCandidate) {
        result.candidatePair = `${String(localCandidate.candidateType)}/${String(remoteCandidate.candidateType)}`;
      }
    }
  }
  return result;
}
