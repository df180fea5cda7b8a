/**
 * The integration tests' socket client: a socket.io-client connection that records every event
 * it receives from the first moment, sends contract events and checks their acks against the
 * contract, and sends anything else (unknown events, malformed payloads) unchecked.
 */
import type {
  Ack,
  AckOk,
  ClientEventAck,
  ClientEventName,
  ClientEventPayload,
  ServerEventName,
  ServerEventPayload,
} from '@parley/protocol';
import { io, type Socket } from 'socket.io-client';
import { expect } from 'vitest';
import { checkContractAck } from '../support/contractAck.js';

const ACK_TIMEOUT_MS = 5000;

export interface Recorded {
  event: string;
  payload: unknown;
  at: number;
}

export class TestSocket {
  readonly socket: Socket;
  readonly events: Recorded[] = [];
  private waiters = new Set<() => void>();

  constructor(url: string, token: string) {
    this.socket = io(url, {
      auth: { token },
      transports: ['websocket'],
      autoConnect: false,
      reconnection: false,
      forceNew: true,
    });
    this.socket.onAny((event: string, payload: unknown) => {
      this.events.push({ event, payload, at: Date.now() });
      for (const wake of this.waiters) wake();
    });
  }

  get id(): string {
    return this.socket.id ?? '';
  }

  connect(timeoutMs = 5000): Promise<this> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket connect timeout')), timeoutMs);
      this.socket.once('connect', () => {
        clearTimeout(timer);
        resolve(this);
      });
      this.socket.once('connect_error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      this.socket.connect();
    });
  }

  /**
   * Emits contract event `event` and resolves with its acknowledgement, checked against the
   * contract's ack schema. An undefined payload is not sent (`ack('ping')` emits the name alone).
   */
  ack<E extends ClientEventName>(
    event: E,
    payload?: ClientEventPayload<E>,
    timeoutMs = ACK_TIMEOUT_MS,
  ): Promise<Ack<ClientEventAck<E>>> {
    const args = payload === undefined ? [] : [payload];
    const answer = this.socket.timeout(timeoutMs).emitWithAck(event, ...args) as Promise<Ack<ClientEventAck<E>>>;
    return answer.then((ack) => checkContractAck(event, ack));
  }

  /**
   * Emits any event with any payload (unknown events, malformed payloads): the ack, unchecked
   * (`T` is the shape the caller expects). A payload given is sent even when undefined (it
   * arrives as null); without one, the event name alone.
   */
  ackRaw<T = unknown>(
    event: string,
    ...rest: [] | [payload: unknown] | [payload: unknown, timeoutMs: number]
  ): Promise<T> {
    const [payload, timeoutMs = ACK_TIMEOUT_MS] = rest;
    const args = rest.length === 0 ? [] : [payload];
    return this.socket.timeout(timeoutMs).emitWithAck(event, ...args) as Promise<T>;
  }

  /** The first recorded contract event (past or future) with this name that matches. */
  waitFor<E extends ServerEventName>(
    event: E,
    match: (payload: ServerEventPayload<E>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<ServerEventPayload<E>> {
    return this.waitForRaw(event, (payload) => match(payload as ServerEventPayload<E>), timeoutMs) as Promise<
      ServerEventPayload<E>
    >;
  }

  /** The first recorded event of any name (past or future) that matches; its payload unchecked. */
  waitForRaw(event: string, match: (payload: unknown) => boolean = () => true, timeoutMs = 5000): Promise<unknown> {
    const found = () => this.events.find((r) => r.event === event && match(r.payload));
    const hit = found();
    if (hit) return Promise.resolve(hit.payload);
    return new Promise((resolve, reject) => {
      const wake = () => {
        const r = found();
        if (!r) return;
        cleanup();
        resolve(r.payload);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `no "${event}" event matched within ${timeoutMs} ms; got: ${JSON.stringify(this.events.map((e) => [e.event, e.payload])).slice(0, 2000)}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      this.waiters.add(wake);
    });
  }

  /** Every recorded contract event with this name that matches. */
  all<E extends ServerEventName>(
    event: E,
    match: (payload: ServerEventPayload<E>) => boolean = () => true,
  ): ServerEventPayload<E>[] {
    return this.allRaw(event, (payload) => match(payload as ServerEventPayload<E>)) as ServerEventPayload<E>[];
  }

  /** Every recorded event of any name that matches; payloads unchecked. */
  allRaw(event: string, match: (payload: unknown) => boolean = () => true): unknown[] {
    return this.events.filter((r) => r.event === event && match(r.payload)).map((r) => r.payload);
  }

  close(): void {
    this.socket.disconnect();
  }
}

const open = new Set<TestSocket>();

/** A connected TestSocket; closeAllSockets() closes it unless the test closes it first. */
export async function connectSocket(url: string, token: string): Promise<TestSocket> {
  const socket = new TestSocket(url, token);
  open.add(socket);
  try {
    return await socket.connect();
  } catch (error) {
    open.delete(socket);
    socket.close();
    throw error;
  }
}

/** Closes every socket opened by connectSocket (afterAll / afterEach). */
export function closeAllSockets(): void {
  for (const socket of open) socket.close();
  open.clear();
}

/** Asserts an unchecked ack (`ackRaw`) has the shape of an ack, `{ok: boolean, ...}`. */
export function asAck(value: unknown): Ack {
  expect(value).toMatchObject({ ok: expect.any(Boolean) as unknown });
  return value as Ack;
}

/** Asserts an ack is `{ok: true, ...}` (a failure names `label` and the ack) and narrows it. */
export function assertOk<T extends object>(ack: Ack<T>, label: string): AckOk<T> {
  expect(ack.ok, `${label}: ${JSON.stringify(ack)}`).toBe(true);
  if (!ack.ok) throw new Error(`${label}: ${JSON.stringify(ack)}`);
  return ack;
}

/** Sends `event` and expects `{ok: true}` (the ack is returned; a failure names the event and the ack). */
export async function expectOk<E extends ClientEventName>(
  socket: TestSocket,
  event: E,
  payload?: ClientEventPayload<E>,
  timeoutMs = ACK_TIMEOUT_MS,
): Promise<AckOk<ClientEventAck<E>>> {
  return assertOk(await socket.ack(event, payload, timeoutMs), event);
}
