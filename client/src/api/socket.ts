import {
  type ClientEventAck,
  type ClientEventName,
  type ClientEventPayload,
  type ClientToServerEvents,
  type ServerEventName,
  type ServerEventPayload,
  type ServerToClientEvents,
  readAck,
} from '@parley/protocol';
import { createSignal, type Accessor } from 'solid-js';
import { io, type Socket } from 'socket.io-client';
import { ApiError, readErrorInfo } from './ApiError.js';

/** The page's Socket.io connection, typed by the socket contract (`@parley/protocol`). */
export type ParleyClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'unauthorized';

export interface RequestOptions {
  /** How long to wait for the acknowledgement before failing with `timeout`. */
  timeoutMs?: number;
}

export interface SocketClient {
  /** The live connection state, as a solid signal. */
  readonly state: Accessor<ConnectionState>;
  /**
   * Emits a client→server event of the contract and resolves with the body of its `{ok: true}`
   * acknowledgement (without `ok`); `{ok: false}`, a timeout or a lost connection reject (ApiError).
   */
  request<E extends ClientEventName>(
    event: E,
    payload: ClientEventPayload<E>,
    options?: RequestOptions,
  ): Promise<ClientEventAck<E>>;
  /** Listens to a server→client event; returns the function that stops listening. */
  on<E extends ServerEventName>(event: E, handler: (payload: ServerEventPayload<E>) => void): () => void;
  /** Disconnects for good (logout, page teardown). */
  close(): void;
  /** The underlying socket, for its connection events (`connect`, `disconnect`). */
  readonly raw: ParleyClientSocket;
}

export interface SocketClientOptions {
  /** Defaults to the page's own origin. */
  url?: string;
  timeoutMs?: number;
  /** Called when the server refuses the handshake (expired or missing session). */
  onUnauthorized?: () => void;
}

const DEFAULT_TIMEOUT_MS = 10_000;

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/timed out/i.test(message)) {
    return new ApiError({ status: 0, code: 'timeout', message: 'The server did not answer in time.' });
  }
  return new ApiError({ status: 0, code: 'network_error', message });
}

/**
 * One Socket.io connection for a logged-in page. It authenticates with the httpOnly session
 * cookie that the same-origin handshake carries, so no token is handled in JavaScript.
 */
/** When a socket of this page last connected (performance.now()), or null: for join timelines. */
let lastConnectedAt: number | null = null;
export function socketConnectedAt(): number | null {
  return lastConnectedAt;
}

export function createSocketClient(options: SocketClientOptions = {}): SocketClient {
  const [state, setState] = createSignal<ConnectionState>('connecting');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const socketOptions = {
    path: '/socket.io',
    withCredentials: true,
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
  };
  const socket: ParleyClientSocket = options.url ? io(options.url, socketOptions) : io(socketOptions);

  /** The server said this socket's session ended (expired, logged out here or everywhere). */
  let sessionEnded = false;
  socket.on('session_ended', () => {
    sessionEnded = true;
  });
  socket.on('connect', () => {
    lastConnectedAt = performance.now();
    setState('connected');
  });
  socket.on('disconnect', (reason) => {
    if (reason === 'io client disconnect') setState('disconnected');
    else if (reason === 'io server disconnect' && sessionEnded) {
      setState('unauthorized');
      options.onUnauthorized?.();
    } else if (reason === 'io server disconnect') {
      // The server closed this socket on purpose; try once more, the handshake decides.
      setState('reconnecting');
      socket.connect();
    } else setState('reconnecting');
  });
  socket.on('connect_error', (error) => {
    if (error.message === 'unauthorized') {
      setState('unauthorized');
      options.onUnauthorized?.();
    } else if (!socket.active) setState('disconnected');
    else setState('reconnecting');
  });

  async function request<E extends ClientEventName>(
    event: E,
    payload: ClientEventPayload<E>,
    requestOptions: RequestOptions = {},
  ): Promise<ClientEventAck<E>> {
    let response: unknown;
    try {
      // What arrives is read as unknown and checked below, whatever the contract promises.
      const untyped = socket.timeout(requestOptions.timeoutMs ?? timeoutMs) as unknown as {
        emitWithAck(event: string, payload: unknown): Promise<unknown>;
      };
      response = await untyped.emitWithAck(event, payload);
    } catch (error) {
      throw toApiError(error);
    }
    const reading = readAck(event, response);
    if (reading.kind === 'ok') return reading.body;
    if (reading.kind === 'malformed') {
      throw new ApiError({ status: 0, code: 'internal', message: `Malformed answer to "${event}": ${reading.reason}` });
    }
    const info = readErrorInfo(response);
    throw info
      ? ApiError.fromInfo(info)
      : new ApiError({ status: 0, code: 'internal', message: `Unexpected answer to "${event}"` });
  }

  function on<E extends ServerEventName>(event: E, handler: (payload: ServerEventPayload<E>) => void): () => void {
    const untyped = socket as unknown as {
      on(event: string, listener: (payload: ServerEventPayload<E>) => void): void;
      off(event: string, listener: (payload: ServerEventPayload<E>) => void): void;
    };
    const listener = (payload: ServerEventPayload<E>) => handler(payload);
    untyped.on(event, listener);
    return () => {
      untyped.off(event, listener);
    };
  }

  function close(): void {
    socket.removeAllListeners();
    socket.disconnect();
    setState('disconnected');
  }

  return { state, request, on, close, raw: socket };
}
