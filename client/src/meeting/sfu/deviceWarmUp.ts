import { detectDevice, Device, type types } from 'mediasoup-client';
import { Chrome111 } from 'mediasoup-client/handlers/Chrome111';
import { Firefox120 } from 'mediasoup-client/handlers/Firefox120';
import type { HandlerFactory } from 'mediasoup-client/handlers/HandlerInterface';

/**
 * Two waits of a joining page that need nothing from the server, started early (docs/sfu.md,
 * "Join speed"):
 *
 * - The browser's own RTP capabilities: `Device.load()` reads them with two throw-away
 *   RTCPeerConnections each time. Here they are read once per page, as soon as the SFU code is
 *   loaded, while the page is still joining; every Device of the page reuses them.
 * - The receive transport's ICE and DTLS start with its first consumer. `startReceiving` gives
 *   it a page-only audio receiver (no consumer on the server, nothing ever arrives on it) right
 *   when it is created, so the connection comes up while the server creates the real consumers.
 */

type Direction = 'sendonly' | 'recvonly';

const native = new Map<Direction, Promise<types.RtpCapabilities>>();

function cached(factory: HandlerFactory): HandlerFactory {
  return {
    ...factory,
    getNativeRtpCapabilities: ({ direction }) => {
      let capabilities = native.get(direction);
      if (!capabilities) {
        capabilities = factory.getNativeRtpCapabilities({ direction });
        capabilities.catch(() => native.delete(direction));
        native.set(direction, capabilities);
      }
      return capabilities;
    },
  };
}

let handlerFactory: HandlerFactory | null | undefined;

/** Chromium's and Firefox's handlers, with their native capabilities read once; null: mediasoup-client picks. */
function pageHandlerFactory(): HandlerFactory | null {
  if (handlerFactory === undefined) {
    const name = detectDevice();
    handlerFactory =
      name === 'Chrome111'
        ? cached(Chrome111.createFactory({}))
        : name === 'Firefox120'
          ? cached(Firefox120.createFactory({}))
          : null;
  }
  return handlerFactory;
}

/** A new mediasoup Device of this page (its load reuses the native capabilities read ahead). */
export function newDevice(): Device {
  const factory = pageHandlerFactory();
  return factory ? new Device({ handlerFactory: factory }) : new Device();
}

/** Reads the native capabilities now (the SFU code was just loaded: a join is near). */
export function warmUpDevice(): void {
  const factory = pageHandlerFactory();
  if (!factory) return;
  for (const direction of ['recvonly', 'sendonly'] as const) {
    factory.getNativeRtpCapabilities({ direction }).catch(() => undefined);
  }
}

/** The page-only receiver's mid and SSRC (the server's consumers use numeric mids). */
const WARM_UP_MID = 'warmup';
const WARM_UP_SSRC = 1111;

/**
 * Starts ICE and DTLS of a new receive transport now: a receiver of the device's first audio
 * codec that no server consumer feeds. It stays until the transport closes.
 */
export function startReceiving(recv: types.Transport, device: Device, onError: (error: unknown) => void): void {
  const codec = device.rtpCapabilities.codecs?.find((candidate) => candidate.kind === 'audio');
  if (!codec || codec.preferredPayloadType === undefined) return;
  recv
    .consume({
      id: `${WARM_UP_MID}-${recv.id}`,
      producerId: WARM_UP_MID,
      kind: 'audio',
      rtpParameters: {
        mid: WARM_UP_MID,
        codecs: [
          {
            mimeType: codec.mimeType,
            payloadType: codec.preferredPayloadType,
            clockRate: codec.clockRate,
            ...(codec.channels !== undefined ? { channels: codec.channels } : {}),
            parameters: codec.parameters ?? {},
            rtcpFeedback: [],
          },
        ],
        headerExtensions: [],
        encodings: [{ ssrc: WARM_UP_SSRC }],
        rtcp: { cname: WARM_UP_MID, reducedSize: true },
      },
    })
    .catch(onError);
}
