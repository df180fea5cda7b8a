import { byTestId, clickTestId, inPage, newUser, sampleRemoteVideos, selfPeerId, startMeetingHarness, waitForLiveVideos } from './meetingHarness.js';

const dump = `(async () => {
  const out = [];
  for (const pc of window.__pcs) {
    if (pc.signalingState === 'closed') continue;
    out.push({
      sig: pc.signalingState, conn: pc.connectionState,
      tr: pc.getTransceivers().map((t) => ({ mid: t.mid, dir: t.direction, cur: t.currentDirection, send: t.sender.track && t.sender.track.label, recv: t.receiver.track.kind + ':' + t.receiver.track.readyState + ':' + t.receiver.track.muted })),
    });
  }
  const vids = [...document.querySelectorAll('video')].map((v) => ({ peer: v.getAttribute('data-peer-id'), src: v.getAttribute('data-source'), local: v.hasAttribute('data-local'), stream: v.srcObject && v.srcObject.id, tracks: v.srcObject && v.srcObject.getTracks().map((t) => t.kind + ':' + t.readyState + ':' + t.muted) }));
  return { self: window.parleyMeeting.selfPeerId(), out, vids };
})()`;

const rtp = `(async () => {
  const out = [];
  for (const pc of window.__pcs) {
    if (pc.signalingState === 'closed') continue;
    const r = await pc.getStats();
    const rows = [];
    r.forEach((s) => {
      if (s.type === 'inbound-rtp') rows.push('in ' + s.kind + ' mid=' + s.mid + ' ssrc=' + s.ssrc + ' pk=' + s.packetsReceived + ' dec=' + (s.framesDecoded ?? ''));
      if (s.type === 'outbound-rtp') rows.push('out ' + s.kind + ' mid=' + s.mid + ' ssrc=' + s.ssrc + ' pk=' + s.packetsSent);
    });
    const ssrcs = (pc.currentRemoteDescription ? pc.currentRemoteDescription.sdp : '').split('\\r\\n').filter((l) => l.startsWith('a=mid') || l.startsWith('a=ssrc:') && l.includes('msid') || l.startsWith('a=sendrecv') || l.startsWith('a=sendonly') || l.startsWith('a=recvonly') || l.startsWith('a=inactive'));
    out.push({ rows, remote: ssrcs });
  }
  return out;
})()`;
const h = await startMeetingHarness('gdebug');
try {
  const a = await newUser(h, 'ada', 'Ada');
  const b = await newUser(h, 'bob', 'Bob');
  const c = await newUser(h, 'cyd', 'Cyd');
  const res = await inPage<{ meeting: { id: string } }>(a.page, `fetch('/api/meetings', {method:'POST', headers:{'Content-Type':'application/json'}, body: JSON.stringify({access:'link'})}).then(r => r.json())`);
  const id = res.meeting.id;
  for (const u of [a, b, c]) await u.page.goto(`${h.url}/meet/${id}?debug=meeting`);
  const pa = await selfPeerId(a.page), pb = await selfPeerId(b.page), pc = await selfPeerId(c.page);
  console.log({ pa, pb, pc });
  for (const u of [a, b, c]) u.page.on('console', (m) => { if (m.type() === 'debug' || m.type() === 'warn') console.log(u.username, m.text()); });
  await waitForLiveVideos(b.page, [{ peerId: pa }, { peerId: pc }]);
  await waitForLiveVideos(c.page, [{ peerId: pa }, { peerId: pb }]);
  await Promise.all([clickTestId(b.page, 'toggle-screen'), clickTestId(c.page, 'toggle-screen')]);
  await new Promise((r) => setTimeout(r, 6000));
  for (let i = 0; i < 2; i++) {
    console.log('B rtp', JSON.stringify(await inPage(b.page, rtp), null, 1));
    console.log('C rtp', JSON.stringify(await inPage(c.page, rtp), null, 1));
    await new Promise((r) => setTimeout(r, 2000));
  }
  console.log('B', JSON.stringify(await inPage(b.page, dump)));
  console.log('B samples', await sampleRemoteVideos(b.page));
  console.log('C', JSON.stringify(await inPage(c.page, dump)));
  console.log('C samples', await sampleRemoteVideos(c.page));
} finally {
  await h.close();
}
