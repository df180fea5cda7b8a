import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { joinSfuInfo } from '../../src/sfu/joinSfuInfo.js';
import { MemorySfuStore } from '../../src/sfu/SfuStore.js';
import { sfuUnderTest } from './support/sfuUnderTest.js';

const meetingId = 'meeting-1';
const log = pino({ level: 'silent' });

/** A MemorySfuStore that counts placement reads. */
class CountingStore extends MemorySfuStore {
  nodeReads = 0;
  override getNode(id: string): Promise<string | null> {
    this.nodeReads++;
    return super.getNode(id);
  }
}

describe("the join ack's sfu part (joinSfuInfo)", () => {
  it('checks the participant and reads the placement once for the capabilities and both transports', async () => {
    const store = new CountingStore();
    const sfu = sfuUnderTest({ store });
    await sfu.join(meetingId, 's1');

    const info = await joinSfuInfo(sfu.service, 's1', meetingId, true, log);

    expect(info?.rtpCapabilities).toBeDefined();
    expect(info?.transports?.send.transportId).toEqual(expect.any(String));
    expect(info?.transports?.recv.transportId).toEqual(expect.any(String));
    expect(info?.transports?.send.transportId).not.toBe(info?.transports?.recv.transportId);
    expect(store.nodeReads).toBe(1);
    const held = [...(sfu.local.get('peer-s1')?.transports.values() ?? [])].map((t) => t.direction).sort();
    expect(held).toEqual(['recv', 'send']);
    expect(sfu.media.callsOf('createWebRtcTransport')).toHaveLength(2);
    expect(sfu.media.callsOf('getRouterRtpCapabilities')).toHaveLength(1);
  });

  it('leaves the transports out when not asked, and says when the objects were adopted', async () => {
    const sfu = sfuUnderTest();
    await sfu.join(meetingId, 's1');

    const info = await joinSfuInfo(sfu.service, 's1', meetingId, false, log, true);

    expect(info).toEqual({ rtpCapabilities: expect.anything() as unknown, adopted: true });
    expect(sfu.media.callsOf('createWebRtcTransport')).toHaveLength(0);
  });

  it('is left out for a socket that is not a participant, in mesh mode, and when the node is unreachable', async () => {
    const sfu = sfuUnderTest();
    await sfu.join(meetingId, 's1');
    expect(await joinSfuInfo(sfu.service, 'stranger', meetingId, true, log)).toBeNull();

    sfu.media.node('n1').connected = false;
    expect(await joinSfuInfo(sfu.service, 's1', meetingId, true, log)).toBeNull();
    sfu.media.node('n1').connected = true;

    await sfu.rooms.setMode(meetingId, 'mesh');
    expect(await joinSfuInfo(sfu.service, 's1', meetingId, true, log)).toBeNull();
    expect(sfu.media.callsOf('createWebRtcTransport')).toHaveLength(0);
  });

  it("is left out when the node refuses the router's capabilities", async () => {
    const sfu = sfuUnderTest();
    await sfu.join(meetingId, 's1');
    sfu.media.node('n1').failNext('bad_request');
    expect(await joinSfuInfo(sfu.service, 's1', meetingId, false, log)).toBeNull();
  });

  it('keeps the capabilities but no transports when a transport is refused (SFU_MAX_TRANSPORTS)', async () => {
    const sfu = sfuUnderTest();
    await sfu.join(meetingId, 's1');
    for (let i = 0; i < 4; i++) await sfu.service.createTransport('s1', { meetingId, direction: 'send' });

    const info = await joinSfuInfo(sfu.service, 's1', meetingId, true, log);

    expect(info?.rtpCapabilities).toBeDefined();
    expect(info).not.toHaveProperty('transports');
  });
});
