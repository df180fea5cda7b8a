import { inPage, newUser, startMeetingHarness } from './meetingHarness.js';

const mode = process.argv[2] ?? 'implicit';
const probe = `(async () => {
  const mode = ${JSON.stringify(mode)};
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const cam = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 180, frameRate: 15 } });
  const mk = (name, polite) => {
    const pc = new RTCPeerConnection();
    const s = { name, pc, polite, makingOffer: false, ignoreOffer: false, other: null, q: Promise.resolve(), log: [] };
    pc.onicecandidate = ({ candidate }) => candidate && setTimeout(() => s.other.recv({ candidate }), 5);
    pc.onnegotiationneeded = async () => {
      try { s.makingOffer = true; await pc.setLocalDescription(); const d = pc.localDescription; setTimeout(() => s.other.recv({ description: { type: d.type, sdp: d.sdp } }), 30); }
      finally { s.makingOffer = false; }
    };
    s.recv = (m) => { s.q = s.q.then(async () => {
      if (m.description) {
        const offer = m.description.type === 'offer';
        const collision = offer && (s.makingOffer || pc.signalingState !== 'stable');
        s.ignoreOffer = !polite && collision;
        if (s.ignoreOffer) { s.log.push('ignored'); return; }
        if (collision) s.log.push('rollback');
        if (collision && mode === 'explicit') await pc.setLocalDescription({ type: 'rollback' });
        await pc.setRemoteDescription(m.description);
        if (offer) { await pc.setLocalDescription(); const d = pc.localDescription; setTimeout(() => s.other.recv({ description: { type: d.type, sdp: d.sdp } }), 30); }
      } else { if (!pc.remoteDescription) { await new Promise((r) => setTimeout(r, 300)); } try { await pc.addIceCandidate(m.candidate); } catch (e) { if (!s.ignoreOffer) s.log.push('cand ' + e); } }
    }).catch((e) => s.log.push('err ' + e)); };
    return s;
  };
  const a = mk('A', false), b = mk('B', true);
  a.other = b; b.other = a;
  const withDc = ${JSON.stringify(process.argv[4] !== 'nodc')};
  const els = {};
  window.__ontrackB = [];
  b.pc.addEventListener('track', ({ track, streams, transceiver }) => window.__ontrackB.push(transceiver.mid + ':' + track.kind + ':' + streams.map((x) => x.id.slice(0, 6)).join(',')));
  for (const s of [a, b]) s.pc.ontrack = ({ track, streams }) => { if (track.kind !== 'video') return; const v = document.createElement('video'); v.muted = true; v.autoplay = true; v.srcObject = streams[0]; document.body.append(v); (els[s.name] = els[s.name] || []).push(v); };
  if (withDc) a.pc.createDataChannel('x', { negotiated: true, id: 0 });
  for (const t of cam.getTracks()) a.pc.addTrack(t, cam);
  // B attaches right before it applies A's first offer, like the app's non-initiator
  const recv = b.recv; let first = true;
  b.recv = (m) => { if (first && m.description) { first = false; if (withDc) b.pc.createDataChannel('x', { negotiated: true, id: 0 }); const cam2 = new MediaStream(cam.getTracks().map((t) => t.clone())); for (const t of cam2.getTracks()) b.pc.addTrack(t, cam2); } recv(m); };
  await sleep(5000);
  const counts = async (s) => { const o = {}; (els[s.name] || []).forEach((v, i) => { o['el' + i] = v.getVideoPlaybackQuality().totalVideoFrames; }); s.pc.getTransceivers().forEach((t) => { o['muted' + t.mid] = t.receiver.track.muted; }); return o; };
  const before = { a: await counts(a), b: await counts(b) };
  const canvas = (c => { c.width = 320; c.height = 180; const g = c.getContext('2d'); let n = 0; setInterval(() => { g.fillStyle = 'hsl(' + (n++ * 7 % 360) + ',80%,50%)'; g.fillRect(0, 0, 320, 180); }, 66); return c; })(document.createElement('canvas'));
  const sa = canvas.captureStream(15), sb = canvas.captureStream(15);
  // glare: both add a screen-like track at once
  if (mode === 'addtrack') { a.pc.addTrack(sa.getVideoTracks()[0], sa); b.pc.addTrack(sb.getVideoTracks()[0], sb); }
  else { a.pc.addTransceiver(sa.getVideoTracks()[0], { streams: [sa] }); b.pc.addTransceiver(sb.getVideoTracks()[0], { streams: [sb] }); }
  await sleep(4000);
  const mid = { a: await counts(a), b: await counts(b) };
  await sleep(2000);
  if (${JSON.stringify(process.argv[5] === 'repair')}) {
    const olds = b.pc.getTransceivers().filter((t) => t.mid === '0' || t.mid === '1');
    for (const t of olds) t.direction = 'sendonly';
    await sleep(1500);
    for (const t of olds) t.direction = 'sendrecv';
    await sleep(2500);
  }
  const after = { a: await counts(a), b: await counts(b) };
  const t1 = b.pc.getTransceivers().find((t) => t.mid === '1');
  const diag = (els.B || []).map((v) => ({ sid: v.srcObject.id, n: v.srcObject.getTracks().length, hasT1: v.srcObject.getTracks().includes(t1.receiver.track), rs: v.readyState, paused: v.paused, err: v.error && v.error.code }));
  return { diag, ontrackB: window.__ontrackB, before, mid, after, logA: a.log, logB: b.log, mids: { a: a.pc.getTransceivers().map((t) => t.mid + ':' + t.currentDirection), b: b.pc.getTransceivers().map((t) => t.mid + ':' + t.currentDirection) } };
})()`;

const h = await startMeetingHarness('glareprobe');
try {
  const u = await newUser(h, 'probe', 'Probe');
  for (let i = 0; i < Number(process.argv[3] ?? 4); i++) {
    await u.page.goto(`${h.url}/login`);
    const r = await inPage<any>(u.page, probe);
    const stuck = (side: 'a' | 'b') => 'before ' + JSON.stringify(r.before[side]) + ' mid ' + JSON.stringify(r.mid[side]) + ' after ' + JSON.stringify(r.after[side]);
    console.log('diag', JSON.stringify(r.diag), JSON.stringify(r.ontrackB));
    console.log(mode, 'run', i, 'A stuck mids', stuck('a'), 'B(polite) stuck mids', stuck('b'), JSON.stringify({ logA: r.logA, logB: r.logB, mids: r.mids }));
  }
} finally {
  await h.close();
}
