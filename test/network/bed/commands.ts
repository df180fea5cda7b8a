/**
 * The shell of the test bed: iproute2 and nftables commands, in the machine's namespace or inside
 * one host (`ip netns exec`). Every command is synchronous and throws with its output on failure,
 * so a half-built bed stops at the first wrong step.
 */
import { spawnSync } from 'node:child_process';

/** Runs `cmd args…`; throws with stderr when it exits non-zero. Returns stdout. */
export function run(cmd: string, args: readonly string[], input?: string): string {
  const result = spawnSync(cmd, args, { encoding: 'utf8', input, timeout: 20_000 });
  if (result.error) throw new Error(`${cmd} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} exited ${result.status}: ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
  return result.stdout;
}

/** `ip …` in the machine's namespace. */
export function ip(...args: string[]): string {
  return run('ip', args);
}

/** `cmd args…` inside the namespace `ns`. */
export function inNs(ns: string, cmd: string, ...args: string[]): string {
  return run('ip', ['netns', 'exec', ns, cmd, ...args]);
}

/** Loads an nftables ruleset (`nft -f -`) inside `ns`. */
export function nft(ns: string, ruleset: string): void {
  run('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], ruleset);
}

/** Why the bed cannot run here, or null when it can (root, iproute2, nftables, Chromium, coturn). */
export function bedUnavailableReason(): string | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return 'the network test bed needs root (network namespaces, veth, nftables); run as root as npm test and CI do';
  }
  for (const [cmd, pkg] of [
    ['ip', 'iproute2'],
    ['nft', 'nftables'],
    ['turnserver', 'coturn'],
    ['chromium', 'chromium'],
    ['curl', 'curl'],
  ] as const) {
    if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) {
      return `the network test bed needs \`${cmd}\` (apt-get install -y ${pkg})`;
    }
  }
  return null;
}
