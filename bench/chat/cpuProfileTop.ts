/**
 * The functions with the most self time in V8 .cpuprofile files (node --cpu-prof, or the
 * benchmark's --cpu-prof DIR):
 *   npx tsx bench/chat/cpuProfileTop.ts [--top N] [--by-file] FILE_OR_DIR...
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const CpuProfile = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

function profileFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((entry) => profileFiles(join(path, entry)));
}

const IDLE = '(idle)';

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const at = url.search(/\/(server|bench|protocol)\//);
  return at >= 0 ? url.slice(at + 1) : url.replace(/^file:\/\//, '');
}

function report(file: string, top: number, byFile: boolean): void {
  const parsed = CpuProfile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    console.log(`${file}: not a V8 CPU profile (${parsed.error.issues[0]?.message})`);
    return;
  }
  const { nodes, samples, timeDeltas } = parsed.data;
  const keyOf = new Map(
    nodes.map((n) => {
      const { functionName, url, lineNumber } = n.callFrame;
      if (functionName === '(idle)') return [n.id, IDLE];
      const where = shortUrl(url);
      return [
        n.id,
        byFile ? where || '(native)' : `${functionName || '(anonymous)'}  ${where}${where ? `:${lineNumber + 1}` : ''}`,
      ];
    }),
  );
  const selfUs = new Map<string, number>();
  let total = 0;
  samples.forEach((id, i) => {
    const dt = timeDeltas[i] ?? 0;
    const key = keyOf.get(id) ?? '?';
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
    total += dt;
  });
  const busy = [...selfUs.entries()].filter(([k]) => k !== IDLE).sort((a, b) => b[1] - a[1]);
  const busyTotal = busy.reduce((sum, [, us]) => sum + us, 0);
  console.log(
    `\n${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busyTotal / 1e6).toFixed(1)} s busy; % of busy time:`,
  );
  for (const [key, us] of busy.slice(0, top)) {
    console.log(
      `${((100 * us) / busyTotal).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`,
    );
  }
}

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '30' }, 'by-file': { type: 'boolean', default: false } },
  allowPositionals: true,
});
const top = Number(values.top);
if (!Number.isInteger(top) || top <= 0 || positionals.length === 0) {
  console.error('usage: tsx bench/chat/cpuProfileTop.ts [--top N] [--by-file] FILE_OR_DIR...');
  process.exit(2);
}
for (const path of positionals)
  for (const file of profileFiles(path).filter((f) => f.endsWith('.cpuprofile'))) report(file, top, values['by-file']);
