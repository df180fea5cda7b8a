/**
 * Code that runs inside the Parley page, sent as source text (a serialised function would carry
 * the transpiler's helpers, which do not exist in the page).
 *
 * - INSTRUMENT (before any page script): keeps every RTCPeerConnection the app creates, so the
 *   load tester reads getStats() of each (mesh links and mediasoup transports alike) with the
 *   fields the app's own stats() leaves out (freezes, bytes); and answers getUserMedia's audio
 *   with a quiet WebAudio tone instead of the fake microphone device (no 16-microphones-per-
 *   browser limit, no audio capture cost). Video still comes from Chromium's fake camera.
 *   It also notes when the first remote video frame shows (any participant's; the app's own
 *   hook only counts the participants present at the join).
 * - SNAPSHOT: totals of every live connection (see streamDeltas.ts for the shape).
 */

export const INSTRUMENT_SCRIPT = `(() => {
  if (window.__parleyLoad) return;
  const pcs = [];
  const Native = window.RTCPeerConnection;
  if (Native) {
    class TrackedPeerConnection extends Native {
      constructor(...args) {
        super(...args);
        pcs.push(this);
      }
    }
    window.RTCPeerConnection = TrackedPeerConnection;
  }
  const state = { pcs, firstFrameAt: null };
  window.__parleyLoad = state;
  // The first remote video frame on screen (any participant), whoever was there at the join.
  const frameTimer = setInterval(() => {
    for (const video of document.querySelectorAll('video[data-peer-id]')) {
      if (video.videoWidth > 0) {
        state.firstFrameAt = performance.timeOrigin + performance.now();
        clearInterval(frameTimer);
        return;
      }
    }
  }, 50);
  const devices = navigator.mediaDevices;
  if (!devices || !devices.getUserMedia) return;
  const original = devices.getUserMedia.bind(devices);
  let context = null;
  devices.getUserMedia = async (constraints) => {
    const wanted = constraints || {};
    const stream = wanted.video ? await original({ video: wanted.video }) : new MediaStream();
    if (wanted.audio) {
      context = context || new AudioContext();
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      gain.gain.value = 0.05;
      oscillator.frequency.value = 330 + pcs.length * 7;
      const destination = context.createMediaStreamDestination();
      oscillator.connect(gain).connect(destination);
      oscillator.start();
      const track = destination.stream.getAudioTracks()[0];
      const stop = track.stop.bind(track);
      track.stop = () => { try { oscillator.stop(); } catch {} stop(); };
      stream.addTrack(track);
    }
    return stream;
  };
})();`;

export const SNAPSHOT_SCRIPT = `(async () => {
  const pcs = window.__parleyLoad ? window.__parleyLoad.pcs : [];
  const hook = window.parleyMeeting;
  const inbound = [];
  const rtts = [];
  let bytesSent = 0;
  for (let i = 0; i < pcs.length; i++) {
    const pc = pcs[i];
    if (!pc || pc.connectionState === 'closed' || pc.signalingState === 'closed') { pcs[i] = null; continue; }
    let report;
    try { report = await pc.getStats(); } catch { continue; }
    const pairs = new Map();
    const selected = new Set();
    // Tracks still received: a closed consumer's stopped transceiver keeps its inbound-rtp
    // stats, which would count as a frozen stream. mediasoup-client's 'probator' stream (padding
    // for bandwidth probing, never a frame) is not a video either.
    const liveTracks = new Set();
    try {
      for (const t of pc.getTransceivers()) {
        if (t.stopped || t.currentDirection === 'stopped' || t.currentDirection === 'inactive') continue;
        const track = t.receiver && t.receiver.track;
        if (track && track.readyState === 'live') liveTracks.add(track.id);
      }
    } catch {}
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && (s.kind === 'video' || s.kind === 'audio') && s.mid !== 'probator' && (!s.trackIdentifier || liveTracks.has(s.trackIdentifier))) {
        inbound.push({
          key: i + ':' + s.id,
          kind: s.kind,
          packetsReceived: s.packetsReceived || 0,
          packetsLost: s.packetsLost || 0,
          bytesReceived: s.bytesReceived || 0,
          framesDecoded: s.framesDecoded || 0,
          freezeCount: s.freezeCount || 0,
          totalFreezesDuration: s.totalFreezesDuration || 0,
          jitter: typeof s.jitter === 'number' ? s.jitter : null,
        });
      } else if (s.type === 'outbound-rtp') {
        bytesSent += s.bytesSent || 0;
      } else if (s.type === 'candidate-pair') {
        pairs.set(s.id, s);
      } else if (s.type === 'transport' && s.selectedCandidatePairId) {
        selected.add(s.selectedCandidatePairId);
      }
    });
    for (const id of selected) {
      const pair = pairs.get(id);
      if (pair && typeof pair.currentRoundTripTime === 'number') rtts.push(pair.currentRoundTripTime);
    }
  }
  let mode = null;
  try { mode = hook ? hook.mode() : null; } catch {}
  return {
    at: performance.timeOrigin + performance.now(),
    mode,
    inbound,
    bytesSent,
    rtt: rtts.length ? rtts.reduce((a, b) => a + b, 0) / rtts.length : null,
  };
})()`;

/** Phase of the meeting page and the last join's timings (epoch ms), for join(). */
export const JOIN_STATE_SCRIPT = `(() => {
  const hook = window.parleyMeeting;
  const page = document.querySelector('[data-testid=meeting-page]');
  const phase = hook ? hook.phase() : page ? page.getAttribute('data-phase') : null;
  const join = hook && hook.joins.length ? hook.joins[hook.joins.length - 1] : null;
  const origin = performance.timeOrigin;
  const notice = document.querySelector('[data-testid=meeting-error], [data-testid=meeting-notice], [role=alert]');
  let mode = null;
  try { mode = hook ? hook.mode() : null; } catch {}
  return {
    phase,
    mode,
    ackAt: join && join.ackAt !== null ? origin + join.ackAt : null,
    peersAtJoin: join ? join.peersAtJoin.length : 0,
    firstFrameAt: join && join.firstFrameAt !== null
      ? origin + join.firstFrameAt
      : window.__parleyLoad && window.__parleyLoad.firstFrameAt !== null ? window.__parleyLoad.firstFrameAt : null,
    notice: notice ? (notice.textContent || '').trim().slice(0, 300) : null,
  };
})()`;

export interface JoinState {
  phase: string | null;
  mode: string | null;
  ackAt: number | null;
  peersAtJoin: number;
  firstFrameAt: number | null;
  notice: string | null;
}
