/**
 * The bot's Parley signalling, the same a browser uses: log in over HTTP (register when the
 * account does not exist yet), then a socket.io connection with the session token, and acks.
 */
import {
  type ClientEventAck,
  type ClientEventName,
  type ClientEventPayload,
  type ClientToServerEvents,
  type ServerToClientEvents,
  readAck,
} from '@parley/protocol';
import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';

export class BotError extends Error {
  override readonly name = 'BotError';
  constructor(
    readonly stage: string,
    message: string,
  ) {
    super(message);
  }
}

const AuthResponse = z.object({ token: z.string().min(1), user: z.object({ id: z.string() }) });
const ErrorResponse = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/**
 * The username for a runner's email: the address itself when it is a valid username (3–32 of
 * `[a-z0-9_.-]`), else its lower-cased local part with other characters as `_`, cut to 32.
 */
export function usernameFor(email: string): string {
  const lower = email.trim().toLowerCase();
  if (/^[a-z0-9_.-]{3,32}$/.test(lower)) return lower;
  const local = (lower.split('@')[0] ?? lower).replace(/[^a-z0-9_.-]/g, '_');
  return (local.length >= 3 ? local : `${local}___`).slice(0, 32);
}

async function post(url: string, body: unknown, timeoutMs: number): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: the status says enough
  }
  return { status: res.status, json };
}

function describe(status: number, json: unknown): string {
  const parsed = ErrorResponse.safeParse(json);
  return parsed.success ? `${status} ${parsed.data.error.code}: ${parsed.data.error.message}` : `HTTP ${status}`;
}

/** Logs in (registering the account first if the login is refused); returns the session token. */
export async function loginOrRegister(
  baseUrl: string,
  email: string,
  password: string,
  timeoutMs = 15_000,
): Promise<string> {
  const username = usernameFor(email);
  try {
    const login = await post(new URL('/api/auth/login', baseUrl).href, { username, password }, timeoutMs);
    if (login.status === 200) return AuthResponse.parse(login.json).token;
    if (login.status !== 401)
      throw new BotError('login', `login of ${username} failed: ${describe(login.status, login.json)}`);
    const register = await post(
      new URL('/api/auth/register', baseUrl).href,
      { username, password, displayName: username },
      timeoutMs,
    );
    if (register.status === 201) return AuthResponse.parse(register.json).token;
    throw new BotError('login', `register of ${username} failed: ${describe(register.status, register.json)}`);
  } catch (error) {
    if (error instanceof BotError) throw error;
    throw new BotError('login', `cannot reach ${baseUrl}: ${(error as Error).message}`);
  }
}

/** The bot's Socket.io connection, typed by the socket contract (`@parley/protocol`). */
export type BotIoSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A socket.io connection whose requests are the socket contract's events: the payload typed by
 * the event's row, the answer read with the row's ack schema; it rejects (BotError) on
 * `{ok:false}`, an answer that does not fit, or a timeout.
 */
export class BotSocket {
  readonly socket: BotIoSocket;

  private constructor(socket: BotIoSocket) {
    this.socket = socket;
  }

  static connect(baseUrl: string, token: string, timeoutMs = 15_000): Promise<BotSocket> {
    const socket: BotIoSocket = io(baseUrl, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      timeout: timeoutMs,
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.close();
        reject(new BotError('join', `socket did not connect within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new BotSocket(socket));
      });
      socket.once('connect_error', (error) => {
        clearTimeout(timer);
        socket.close();
        reject(new BotError('join', `socket refused: ${error.message}`));
      });
    });
  }

  async ack<E extends ClientEventName>(
    event: E,
    payload: ClientEventPayload<E>,
    stage: string,
    timeoutMs = 15_000,
  ): Promise<ClientEventAck<E>> {
    let answer: unknown;
    try {
      // What arrives is read as unknown and checked below, whatever the contract promises.
      const untyped = this.socket.timeout(timeoutMs) as unknown as {
        emitWithAck(event: string, payload: unknown): Promise<unknown>;
      };
      answer = await untyped.emitWithAck(event, payload);
    } catch {
      throw new BotError(stage, `${event}: no answer within ${timeoutMs} ms`);
    }
    const reading = readAck(event, answer);
    if (reading.kind === 'ok') return reading.body;
    if (reading.kind === 'malformed') throw new BotError(stage, `${event}: unexpected answer: ${reading.reason}`);
    const a = answer as { error?: { code?: string; message?: string } } | null;
    throw new BotError(
      stage,
      `${event} refused: ${a?.error?.code ?? 'error'}: ${a?.error?.message ?? JSON.stringify(answer)}`,
    );
  }

  close(): void {
    this.socket.close();
  }
}
