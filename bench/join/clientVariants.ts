/**
 * The built clients a `bench:join` run serves: this worktree's (always) and, with
 * `--baseline <dir>`, another build (main's client/dist, say) for an A/B in the same run. Vite
 * fingerprints every asset, so both builds' assets live side by side in the served directory;
 * only index.html differs, and it is swapped before each join (the server reads it per request
 * and marks it no-cache).
 */
import { copyFileSync, cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export type ClientVariant = 'baseline' | 'candidate';

export interface ServedClients {
  /** The clients to run, in turn: `candidate` alone, or `baseline` then `candidate`. */
  variants: ClientVariant[];
  /** Serves this client's index.html from now on; true when that changed what is served. */
  serve(variant: ClientVariant): boolean;
  /** The suffix of a scenario name (empty without a baseline). */
  label(variant: ClientVariant): string;
}

export function servedClients(servedDir: string, baselineDir: string | undefined): ServedClients {
  const index = join(servedDir, 'index.html');
  if (!baselineDir) return { variants: ['candidate'], serve: () => false, label: () => '' };
  if (!existsSync(join(baselineDir, 'index.html'))) throw new Error(`--baseline ${baselineDir}: no index.html`);
  const pages: Record<ClientVariant, string> = {
    baseline: join(servedDir, 'index.baseline.html'),
    candidate: join(servedDir, 'index.candidate.html'),
  };
  copyFileSync(index, pages.candidate);
  copyFileSync(join(baselineDir, 'index.html'), pages.baseline);
  // Assets of the same name are the same bytes (content hashes): keep the served ones.
  cpSync(join(baselineDir, 'assets'), join(servedDir, 'assets'), { recursive: true, force: false });
  let served: ClientVariant = 'candidate';
  return {
    variants: ['baseline', 'candidate'],
    serve(variant) {
      if (variant === served) return false;
      copyFileSync(pages[variant], index);
      served = variant;
      return true;
    },
    label: (variant) => ` [${variant === 'baseline' ? 'baseline' : 'this build'}]`,
  };
}
