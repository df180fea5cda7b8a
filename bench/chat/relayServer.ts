/**
 * The baseline: a bare Socket.io + redis-adapter relay with the same wire shapes as Parley's
 * `message` event but no database, no validation and no authentication (the handshake names
 * its user). Membership comes from a JSON file {conversationId: [userId]}. Run as a process:
 *   PORT=3360 REDIS_URL=redis://127.0.0.1:6379 REDIS_PREFIX=x: RELAY_MEMBERS=file.json tsx relayServer.ts
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server, type DefaultEventsMap } from 'socket.io';

const port = Number(process.env.PORT);
const members = JSON.parse(readFileSync(process.env.RELAY_MEMBERS ?? '', 'utf8')) as Record<string, string[]>;
const rooms = new Map(Object.entries(members).map(([id, userIds]) => [id, userIds.map((u) => `user:${u}`)]));

const httpServer = createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
  res.end('{"status":"ok"}');
});
const pub = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const sub = pub.duplicate();
/** What the relay keeps per socket: the user its handshake named. */
interface RelaySocketData {
  userId: string;
}
const io = new Server<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, RelaySocketData>(httpServer, {
  serveClient: false,
  maxHttpBufferSize: 1_000_000,
});
io.adapter(createAdapter(pub, sub, { key: `${process.env.REDIS_PREFIX ?? 'relay:'}socket.io` }));

let sequence = 0;
io.use((socket, next) => {
  const userId = (socket.handshake.auth as { userId?: unknown }).userId;
  if (typeof userId !== 'string') return next(new Error('unauthorized'));
  socket.data.userId = userId;
  next();
});
io.on('connection', (socket) => {
  void socket.join(`user:${socket.data.userId}`);
  socket.on(
    'message',
    (payload: { conversationId: string; clientId: string; text: string }, ack?: (r: unknown) => void) => {
      const targets = rooms.get(payload?.conversationId);
      if (!targets) return ack?.({ ok: false, error: { code: 'not_found', message: 'no such conversation' } });
      const message = {
        id: String(port * 1e9 + ++sequence),
        conversationId: payload.conversationId,
        senderId: socket.data.userId,
        text: payload.text,
        clientId: payload.clientId,
        createdAt: new Date().toISOString(),
      };
      io.to(targets).emit('message', { message });
      ack?.({ ok: true, message });
    },
  );
});

httpServer.listen(port, '127.0.0.1');
const stop = async () => {
  await io.close();
  pub.disconnect();
  sub.disconnect();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
