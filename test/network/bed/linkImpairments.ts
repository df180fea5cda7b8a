/**
 * Bad links for a client host, applied in its router (the kernel here has no `netem`):
 * - loss: an nftables `numgen random` drop in the router's `impair` chain (both directions);
 * - bandwidth: `tc tbf` on the router's LAN interface (what the client receives);
 * - a cut: drop everything the router forwards, for a while.
 */
import { inNs, nft, run } from './commands.js';
import type { ClientHost } from './topology.js';

/** Drops `percent` % of the packets the router forwards to and from the client. */
export function setLoss(client: ClientHost, percent: number): void {
  clearImpairments(client);
  nft(client.router, `add rule ip bed_filter impair numgen random mod 100 < ${Math.round(percent)} drop\n`);
}

/** Drops every packet the router forwards (the link is down) until clearImpairments. */
export function cutLink(client: ClientHost): void {
  clearImpairments(client);
  nft(client.router, 'add rule ip bed_filter impair drop\n');
}

/** Removes loss and cuts. */
export function clearImpairments(client: ClientHost): void {
  nft(client.router, 'flush chain ip bed_filter impair\n');
}

/** Limits what the client receives to `kbit` kbit/s (token bucket, 400 ms of queue). */
export function limitDownlink(client: ClientHost, kbit: number): void {
  inNs(
    client.router,
    'tc',
    'qdisc',
    'replace',
    'dev',
    'lan',
    'root',
    'tbf',
    'rate',
    `${kbit}kbit`,
    'burst',
    '32kbit',
    'latency',
    '400ms',
  );
}

export function unlimitDownlink(client: ClientHost): void {
  run('ip', ['netns', 'exec', client.router, 'tc', 'qdisc', 'del', 'dev', 'lan', 'root']);
}

/** Packets the tbf of the client's downlink dropped so far (0 without a limit). */
export function downlinkDrops(client: ClientHost): number {
  const out = inNs(client.router, 'tc', '-s', 'qdisc', 'show', 'dev', 'lan');
  const match = /tbf[\s\S]*?dropped (\d+)/.exec(out);
  return match ? Number(match[1]) : 0;
}
