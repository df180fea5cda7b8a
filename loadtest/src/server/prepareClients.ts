/**
 * Before the joins: one account per planned client and one meeting per `--meetings`. A client
 * whose account or meeting could not be made comes back already failed (stage `register` or
 * `meeting`, with the reason); the others carry their meeting id.
 */
import { planClients, runTag, specFor } from '../clientPlan.js';
import type { LoadTestOptions } from '../options.js';
import type { ClientRecord } from '../stats/aggregate.js';
import { ensureAccount, mapLimit, startMeeting, type Account } from './parleyApi.js';

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function prepareClients(
  baseUrl: string,
  options: LoadTestOptions,
  password: string,
): Promise<ClientRecord[]> {
  const planned = planClients(options, runTag());
  const records = planned.map((p): ClientRecord => ({
    spec: specFor(p, {
      baseUrl,
      meetingId: '',
      password,
      video: options.video,
      botMics: options.botAudioSenders ?? options.botSenders,
      botSenders: options.botSenders,
    }),
    browser: null,
    join: null,
    joinedAt: null,
  }));
  const accounts = await mapLimit(records, 4, async (record, i): Promise<Account | null> => {
    try {
      return await ensureAccount(baseUrl, planned[i]!.username, password);
    } catch (error) {
      record.join = { ok: false, stage: 'register', reason: reasonOf(error) };
      record.joinedAt = 0;
      return null;
    }
  });
  for (let meeting = 1; meeting <= options.meetings; meeting++) {
    const members = records.flatMap((record, i) =>
      planned[i]!.meeting === meeting ? [{ record, account: accounts[i] ?? null }] : [],
    );
    try {
      const host = members.find((m) => m.account !== null)?.account;
      if (!host) throw new Error('no account of this meeting could be created');
      const meetingId = await startMeeting(baseUrl, host, `load test ${meeting}`);
      for (const { record } of members) record.spec = { ...record.spec, meetingId };
    } catch (error) {
      for (const { record } of members) {
        if (record.join) continue;
        record.join = { ok: false, stage: 'meeting', reason: reasonOf(error) };
        record.joinedAt = 0;
      }
    }
  }
  return records;
}
