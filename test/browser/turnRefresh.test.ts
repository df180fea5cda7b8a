/**
 * A mesh meeting relayed through coturn outlives its first TURN credential (TURN_TTL=8 s here):
 * pages fetch fresh credentials before they expire and apply them to their open connections
 * (setConfiguration), so a participant who joins after the first credential expired connects to
 * everyone through the relay at once, without a stale credential reaching coturn. Every
 * RTCPeerConnection is forced to relay-only candidates by a test hook. The pages run under the
 * server's Content Security Policy and must report no violation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageErrors } from '../support/browser.js';
import { startCoturn, stopAllCoturn, type CoturnProcess } from '../support/coturn.js';
import {
  inPage,
  newUser,
  startMeetingHarness,
  waitForLiveVideos,
  type MeetingHarness,
  type TestUser,
} from '../support/browserMeetingHarness.js';

const SECRET = `turn-refresh-${Date.now()}`;
const TTL_SECONDS = 8;
let turn: CoturnProcess;
let harness: MeetingHarness;
let users: TestUser[] = [];

/** Every RTCPeerConnection of the page gathers relay candidates only (test hook). */
const FORCE_RELAY = `(() => {
  const Base = window.RTCPeerConnection;
  if (!Base || window.__relayOnly) return;
  window.__relayOnly = true;
  window.RTCPeerConnection = class extends Base {
    constructor(config, ...rest) { super({ ...(config || {}), iceTransportPolicy: 'relay' }, ...rest); }
    setConfiguration(config) { return super.setConfiguration({ ...(config || {}), iceTransportPolicy: 'relay' }); }
  };
})()`;

/** Content Security Policy violations of the page, as the browser reports them. */
const RECORD_CSP = `(() => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__csp.push({ directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile || '', line: e.lineNumber, sample: e.sample || '' });
  });
})()`;

interface Violation {
  directive: string;
  blocked: string;
  source: string;
  line: number;
  sample: string;
}

/**
 * The page's own violations: those of its documents and scripts (the app). Test tooling that
 * puppeteer injects has no source file of the app and is left out.
 */
async function appViolations(user: TestUser): Promise<Violation[]> {
  const all = await inPage<Violation[]>(user.page, 'window.__csp');
  if (all.length > 0) console.log(`CSP violations reported on ${user.username}'s page: ${JSON.stringify(all)}`);
  return all.filter((v) => v.source.startsWith(harness.url));
}

/** The page's peer id once it has joined (polled from the test side: no page-side eval). */
async function joinedPeerId(user: TestUser): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const peerId = await inPage<string | null>(
      user.page,
      `window.parleyMeeting && window.parleyMeeting.phase() === 'joined' ? window.parleyMeeting.selfPeerId() : null`,
    );
    if (peerId) return peerId;
    if (Date.now() > deadline) throw new Error(`${user.username} did not join within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The TURN username (`<expiry>:<userId>`) each open connection of the page is configured with. */
function turnUsernames(user: TestUser): Promise<string[]> {
  return inPage<string[]>(
    user.page,
    `(window.__pcs || [])
      .filter((pc) => pc.connectionState !== 'closed')
      .map((pc) => (pc.getConfiguration().iceServers || []).map((s) => s.username).find(Boolean) || '')`,
  );
}

/** Local and remote candidate types of the selected pair of every connected connection. */
function selectedPairs(user: TestUser): Promise<string[]> {
  return inPage<string[]>(
    user.page,
    `(async () => {
      const out = [];
      for (const pc of (window.__pcs || []).filter((pc) => pc.connectionState === 'connected')) {
        const stats = await pc.getStats();
        stats.forEach((s) => {
          if (s.type !== 'transport' || !s.selectedCandidatePairId) return;
          const pair = stats.get(s.selectedCandidatePairId);
          out.push(stats.get(pair.localCandidateId).candidateType + '/' + stats.get(pair.remoteCandidateId).candidateType);
        });
      }
      return out;
    })()`,
  );
}

const expiryOf = (username: string) => Number(username.split(':')[0]);

beforeAll(async () => {
  turn = await startCoturn({ secret: SECRET, port: 3480, minPort: 49210, maxPort: 49260 });
  harness = await startMeetingHarness('turn_refresh', {
    TURN_SECRET: SECRET,
    TURN_URLS: turn.turnUrls.join(','),
    TURN_TTL: String(TTL_SECONDS),
  });
  users = [];
  for (const [name, display] of [
    ['ada', 'Ada Relay'],
    ['bob', 'Bob Relay'],
    ['cyd', 'Cyd Relay'],
  ] as const) {
    const user = await newUser(harness, name, display);
    await user.page.evaluateOnNewDocument(FORCE_RELAY);
    await user.page.evaluateOnNewDocument(RECORD_CSP);
    users.push(user);
  }
}, 180_000);

afterAll(async () => {
  await harness?.close();
  await stopAllCoturn();
});

describe('a relayed mesh meeting past its TURN credential lifetime', () => {
  it('keeps running, and a late joiner connects through the relay with fresh credentials', async () => {
    const [ada, bob, cyd] = users as [TestUser, TestUser, TestUser];
    const created = await inPage<{ meeting: { id: string } }>(
      ada.page,
      `fetch('/api/meetings', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'relay', access: 'link' }) }).then((r) => r.json())`,
    );
    const meetingId = created.meeting.id;
    for (const user of [ada, bob]) await user.page.goto(new URL(`/meet/${meetingId}`, harness.url).toString());
    const adaPeer = await joinedPeerId(ada);
    const bobPeer = await joinedPeerId(bob);
    await waitForLiveVideos(ada.page, [{ peerId: bobPeer }]);
    await waitForLiveVideos(bob.page, [{ peerId: adaPeer }]);
    expect(await selectedPairs(ada)).toEqual(['relay/relay']);

    // The credential the call started with, then past its expiry (wall clock, as coturn sees it).
    const [first] = await turnUsernames(ada);
    expect(first).toMatch(/^\d+:/);
    const expiredAt = expiryOf(first!) * 1000;
    while (Date.now() < expiredAt + 1500) await new Promise((resolve) => setTimeout(resolve, 250));

    // Ada's existing connection to Bob now carries a newer credential (setConfiguration).
    const [refreshed] = await turnUsernames(ada);
    expect(expiryOf(refreshed!)).toBeGreaterThan(expiryOf(first!));

    await cyd.page.goto(new URL(`/meet/${meetingId}`, harness.url).toString());
    const cydPeer = await joinedPeerId(cyd);
    await waitForLiveVideos(ada.page, [{ peerId: bobPeer }, { peerId: cydPeer }]);
    await waitForLiveVideos(bob.page, [{ peerId: adaPeer }, { peerId: cydPeer }]);
    await waitForLiveVideos(cyd.page, [{ peerId: adaPeer }, { peerId: bobPeer }]);
    for (const user of [ada, bob, cyd]) {
      expect(await selectedPairs(user), user.username).toEqual(['relay/relay', 'relay/relay']);
    }

    // Every allocation after the first expiry used a live credential: none was refused as stale.
    const log = turn.logTail(20_000);
    expect(log).toContain('incoming packet ALLOCATE processed, success');
    expect(log).not.toContain('Cannot find credentials');

    for (const user of [ada, bob, cyd]) {
      expect(await appViolations(user), user.username).toEqual([]);
      expect(pageErrors(user.page), user.username).toEqual([]);
    }
  });
});
