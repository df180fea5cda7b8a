/**
 * `npm start` forwards SIGTERM to its media node and waits for the node's drain
 * (MEDIA_DRAIN_MAX_MS) instead of SIGKILLing it after a fixed 10 s: a node holding a transport
 * with no other node to move it to exits by itself at MEDIA_DRAIN_MAX_MS (12 s here), with code 0.
 * The grace per child is scripts/shutdownGrace.mjs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { MEDIA_RPC_PATH } from '@parley/protocol/internal';
import { io as connectRpc } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MEDIA_DRAIN_MAX_MS, killGraceMs, mediaDrainMaxMs } from '../../scripts/shutdownGrace.mjs';
import { REPO_ROOT, buildMediaWorkers, waitFor } from '../support/mediaNodeProcess.js';
import { freePort } from '../support/serverProcess.js';

const SECRET = 'start-grace-test-secret';
let parley: ChildProcess | undefined;

afterAll(() => {
  if (parley?.exitCode === null && parley.signalCode === null) parley.kill('SIGKILL');
});

describe('npm start shutdown grace', () => {
  it('follows MEDIA_DRAIN_MAX_MS for the media node, 10 s for a signalling server', () => {
    expect(killGraceMs('media', { MEDIA_DRAIN_MAX_MS: '12000' })).toBe(17_000);
    expect(killGraceMs('media', {})).toBe(DEFAULT_MEDIA_DRAIN_MAX_MS + 5_000);
    expect(mediaDrainMaxMs({ MEDIA_DRAIN_MAX_MS: 'soon' })).toBe(DEFAULT_MEDIA_DRAIN_MAX_MS);
    expect(killGraceMs('server', { MEDIA_DRAIN_MAX_MS: '12000' })).toBe(10_000);
  });

  it('lets a draining media node run to MEDIA_DRAIN_MAX_MS past 10 s, then exits 0', async () => {
    buildMediaWorkers();
    const rpcPort = await freePort();
    let rtcPort = await freePort();
    while (rtcPort === rpcPort) rtcPort = await freePort();
    // A node of its own: no Redis registration, no server.
    const inherited = { ...process.env };
    delete inherited.REDIS_URL;
    parley = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'start.mjs'), '--media-only'], {
      cwd: REPO_ROOT,
      env: {
        ...inherited,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        MEDIA_SECRET: SECRET,
        MEDIA_WORKERS: '1',
        MEDIA_RPC_PORT: String(rpcPort),
        MEDIA_RTC_PORT: String(rtcPort),
        MEDIA_LISTEN_IP: '127.0.0.1',
        MEDIA_DRAIN_MAX_MS: '12000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    parley.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    parley.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      parley!.once('exit', (code, signal) => resolve({ code, signal })),
    );

    // A client transport on the node: its drain has nowhere to move it, so it waits.
    const rpc = connectRpc(`http://127.0.0.1:${rpcPort}`, {
      path: MEDIA_RPC_PATH,
      auth: { secret: SECRET },
      transports: ['websocket'],
      reconnection: true,
    });
    try {
      await waitFor(() => rpc.connected, 60_000, 'the media node of npm start');
      const created = (await rpc
        .timeout(10_000)
        .emitWithAck('rpc', { method: 'createWebRtcTransport', params: { meetingId: 'grace', peerId: 'p1' } })) as {
        ok: boolean;
      };
      expect(created.ok, JSON.stringify(created)).toBe(true);

      const sentAt = Date.now();
      parley.kill('SIGTERM');
      const exit = await exited;
      const exitedAfterMs = Date.now() - sentAt;
      console.log(`[startGrace] npm start exited ${exitedAfterMs} ms after SIGTERM (MEDIA_DRAIN_MAX_MS 12000)`);
      expect(exit).toEqual({ code: 0, signal: null });
      // The node ended its own drain (not SIGKILLed at the old fixed 10 s).
      expect(output).toMatch(/MEDIA_DRAIN_MAX_MS reached/);
      expect(output).not.toMatch(/did not exit within/);
    } finally {
      rpc.close();
    }
  }, 90_000);
});
