/** The body of an `{ok: true, ...}` ack: its fields without `ok` (what `request()` resolves with). */
export function ackBody(response: { ok: true } & object): object {
  const body: Record<string, unknown> = { ...response };
  delete body.ok;
  return body;
}
