/**
 * `npm run bench:sfu`: SFU forwarding capacity of one worker, Parley's media node against bare
 * mediasoup, io_uring on and off. Options: `npm run bench:sfu -- --help`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { HELP, parseSfuArgs } from './args.js';
import { formatReport } from './report.js';
import { runSfuBench } from './runSfuBench.js';

const log = (line: string) => console.error(`[bench:sfu] ${line}`);

async function main(): Promise<void> {
  let cli;
  try {
    cli = parseSfuArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`bench:sfu: ${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (cli === 'help') {
    console.log(HELP);
    return;
  }
  const result = await runSfuBench({ ...cli.bench, log });
  console.log(formatReport(result));
  if (cli.json) {
    mkdirSync(dirname(cli.json), { recursive: true });
    writeFileSync(cli.json, `${JSON.stringify(result, null, 2)}\n`);
    log(`figures written to ${cli.json}`);
  }
  const failed = result.variants.some((v) => v.parley?.error || v.bare?.error) || !result.best;
  process.exitCode = failed ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(`bench:sfu failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
