import WebSocket, { type RawData } from 'ws';

/**
 * A minimal Socket.io v4 client (Engine.io protocol 4, websocket transport only, main
 * namespace, text packets) for the load generator. socket.io-client decodes every packet
 * (JSON.parse, emitter, debug hooks): at 20 000 receives/s that made the generator use about as
 * much CPU as both servers together, on the same 2 cores. Here a received `message` event is
 * reduced to its clientId with indexOf and never parsed; acknowledgements are parsed (one per
 * sent message).
 */
export interface LightSocket {
  /** Emits `event` with `payload`, calling `ack` with the server's acknowledgement. */
  emit(event: string, payload: unknown, ack?: (response: unknown) => void): void;
  disconnect(): void;
}

export interface LightSocketOptions {
  /** http://host:port of a Socket.io server (path /socket.io/). */
  url: string;
  /** The handshake `auth` object. */
  auth: Record<string, string>;
  /** Called with the clientId of every received `message` event and when it arrived. */
  onMessage(clientId: string, receivedAt: number): void;
  timeoutMs?: number;
}

const MESSAGE_EVENT = '42["message",';
const CLIENT_ID = '"clientId":"';

/**
 * The clientId of a `message` event packet, or null. The key is searched as raw JSON text: a
 * quote inside a string value is always escaped, so `"clientId":"` only matches the real key.
 */
export function clientIdOf(packet: string): string | null {
  if (!packet.startsWith(MESSAGE_EVENT)) return null;
  const at = packet.indexOf(CLIENT_ID);
  if (at < 0) return null;
  const start = at + CLIENT_ID.length;
  const end = packet.indexOf('"', start);
  return end < 0 ? null : packet.slice(start, end);
}

/** A text frame's payload (ws hands it over as one buffer, fragments or an ArrayBuffer). */
function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return Buffer.isBuffer(data) ? data.toString() : Buffer.from(data).toString();
}

export function connectLightSocket(options: LightSocketOptions): Promise<LightSocket> {
  const base = new URL(options.url);
  base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  base.pathname = '/socket.io/';
  base.search = '?EIO=4&transport=websocket';
  const ws = new WebSocket(base, { perMessageDeflate: false });
  const acks = new Map<number, (response: unknown) => void>();
  let nextAckId = 0;
  const socket: LightSocket = {
    emit(event, payload, ack) {
      let id = '';
      if (ack) {
        id = String(nextAckId++);
        acks.set(Number(id), ack);
      }
      ws.send(`42${id}${JSON.stringify([event, payload])}`);
    },
    disconnect() {
      if (ws.readyState === WebSocket.OPEN) ws.send('41');
      ws.close();
    },
  };

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`no Socket.io connection to ${options.url} in time`)),
      options.timeoutMs ?? 20_000,
    );
    ws.on('error', (error) => fail(error));
    ws.on('close', () => fail(new Error(`connection to ${options.url} closed during the handshake`)));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const packet = textOf(data);
      const clientId = clientIdOf(packet);
      if (clientId !== null) return options.onMessage(clientId, performance.now());
      switch (packet[0]) {
        case '0': // Engine.io open: connect to the main namespace with the auth payload
          ws.send(`40${JSON.stringify(options.auth)}`);
          return;
        case '2': // Engine.io ping
          ws.send('3');
          return;
        case '4':
          return onSocketIoPacket(packet.slice(1));
      }
    });
    const onSocketIoPacket = (packet: string) => {
      const type = packet[0];
      if (type === '0' && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve(socket);
      } else if (type === '4') {
        fail(new Error(`${options.url} refused the connection: ${packet.slice(1)}`));
      } else if (type === '3') {
        const bracket = packet.indexOf('[');
        const id = Number(packet.slice(1, bracket));
        const ack = acks.get(id);
        if (!ack) return;
        acks.delete(id);
        const args = JSON.parse(packet.slice(bracket)) as unknown[];
        ack(args[0]);
      }
    };
  });
}
