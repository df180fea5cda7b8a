import { fork, type ChildProcess } from 'node:child_process';
import { z } from 'zod/v4';

/**
 * Request/reply over the IPC channel of a child process (the traffic process and the bare
 * mediasoup process): `{id, type, ...}` → `{id, ok, result | error}`. Replies are checked with zod.
 */
const Reply = z.object({
  id: z.number().int(),
  ok: z.boolean(),
  result: z.unknown().optional(),
  error: z.string().optional(),
});
export const Request = z.looseObject({ id: z.number().int(), type: z.string() });

export interface ChildHandle {
  pid: number;
  call<T>(type: string, params: Record<string, unknown>, schema: z.ZodType<T>, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

/** Forks `node --import tsx <file>` and waits for its `ready` message. */
export async function startChild(file: string, env: Record<string, string> = {}): Promise<ChildHandle> {
  const child: ChildProcess = fork(file, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const p of pending.values()) p.reject(new Error(`${file} exited (${code ?? signal})`));
      pending.clear();
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`${file} exited during start (code ${code})`)));
  });
  child.on('message', (raw) => {
    const reply = Reply.safeParse(raw);
    if (!reply.success) return;
    const p = pending.get(reply.data.id);
    if (!p) return;
    pending.delete(reply.data.id);
    if (reply.data.ok) p.resolve(reply.data.result);
    else p.reject(new Error(reply.data.error ?? 'child request failed'));
  });
  return {
    pid: child.pid ?? -1,
    async call(type, params, schema, timeoutMs = 120_000) {
      const id = nextId++;
      const result = await new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${type}: no reply from ${file} in ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => (clearTimeout(timer), resolve(v)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        });
        child.send({ id, type, ...params });
      });
      return schema.parse(result);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The child side: answers requests with `handle`, then says ready. */
export function serveParent(handle: (request: z.infer<typeof Request>) => Promise<unknown>): void {
  process.on('message', (raw) => {
    const parsed = Request.safeParse(raw);
    if (!parsed.success) return;
    const { id } = parsed.data;
    handle(parsed.data).then(
      (result) => process.send?.({ id, ok: true, result }),
      (error: unknown) =>
        process.send?.({ id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ ready: true });
}
