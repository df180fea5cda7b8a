/**
 * The hosts of the network test bed, each a Linux network namespace (names start with
 * BED_PREFIX): a "public" segment (a bridge in the namespace `pn15-pub`, 198.18.0.0/24) that
 * public hosts join with a veth each, and client hosts each behind its own router namespace
 * (LAN 198.19.<n>.0/24, WAN on the public segment) that translates with nftables:
 * - `endpoint-independent`: masquerade keeping the source port (one mapping per socket, filtering
 *   by address and port, as most home routers);
 * - `symmetric`: masquerade `random,fully-random` (a new random port per destination);
 * - `tcp-only`: as endpoint-independent, but only TCP to ports 443 and 3478 leaves (an office
 *   firewall: web and TURN over TCP).
 * Addresses come from 198.18.0.0/15 (set aside for network tests); no namespace has a route out of
 * the bed, and nothing is added to the machine's own namespace.
 */
import { inNs, ip, nft, run } from './commands.js';

export const BED_PREFIX = 'pn15-';
const PUBLIC_NS = `${BED_PREFIX}pub`;
export const PUBLIC_SUBNET = '198.18.0';

export type NatKind = 'endpoint-independent' | 'symmetric' | 'tcp-only';

export interface PublicHost {
  name: string;
  ns: string;
  address: string;
}

export interface ClientHost {
  name: string;
  /** The namespace the client's programs (Chromium) run in. */
  ns: string;
  /** The namespace of its router (NAT, filter, impairments). */
  router: string;
  nat: NatKind;
  /** The client's own (private) address. */
  address: string;
  /** The router's address on the public segment: what the client is seen as. */
  publicAddress: string;
}

/** The TCP ports a `tcp-only` client may reach (web and TURN over TCP). */
export const TCP_ONLY_PORTS = [443, 3478] as const;

function namespaces(): string[] {
  return ip('netns', 'list')
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter(Boolean);
}

/** Kills what runs in the bed's namespaces and deletes them (stale ones of a crashed run too). */
export function removeBed(): void {
  for (const ns of namespaces().filter((name) => name.startsWith(BED_PREFIX))) {
    const pids = run('ip', ['netns', 'pids', ns]).split('\n').filter(Boolean).map(Number);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      ip('netns', 'del', ns);
    } catch {
      // deleted meanwhile
    }
  }
}

function addNamespace(ns: string): void {
  ip('netns', 'add', ns);
  inNs(ns, 'ip', 'link', 'set', 'lo', 'up');
  // No IPv6 in the bed: candidates and listeners stay on the 198.18.0.0/15 addresses.
  inNs(ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1');
  inNs(ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.default.disable_ipv6=1');
}

/** Plugs interface `inside` of `ns` into the public bridge (port `port` on the bridge side). */
function plugIntoPublic(ns: string, inside: string, port: string, address: string): void {
  ip('link', 'add', inside, 'netns', ns, 'type', 'veth', 'peer', 'name', port, 'netns', PUBLIC_NS);
  inNs(PUBLIC_NS, 'ip', 'link', 'set', port, 'master', 'br0', 'up');
  inNs(ns, 'ip', 'addr', 'add', `${address}/24`, 'dev', inside);
  inNs(ns, 'ip', 'link', 'set', inside, 'up');
}

export class TestBed {
  readonly publicHosts = new Map<string, PublicHost>();
  readonly clients = new Map<string, ClientHost>();

  /** Removes stale namespaces of an earlier run, then creates the public segment. */
  static create(): TestBed {
    removeBed();
    addNamespace(PUBLIC_NS);
    inNs(PUBLIC_NS, 'ip', 'link', 'add', 'br0', 'type', 'bridge');
    inNs(PUBLIC_NS, 'ip', 'link', 'set', 'br0', 'up');
    return new TestBed();
  }

  /** A host on the public segment at 198.18.0.<octet>. */
  addPublicHost(name: string, octet: number): PublicHost {
    const host: PublicHost = { name, ns: `${BED_PREFIX}${name}`, address: `${PUBLIC_SUBNET}.${octet}` };
    addNamespace(host.ns);
    plugIntoPublic(host.ns, 'eth0', name, host.address);
    this.publicHosts.set(name, host);
    return host;
  }

  /** A client host behind its own NAT router; `index` (1-99) picks its LAN and WAN addresses. */
  addClient(name: string, nat: NatKind, index: number): ClientHost {
    const client: ClientHost = {
      name,
      ns: `${BED_PREFIX}${name}`,
      router: `${BED_PREFIX}rt-${name}`,
      nat,
      address: `198.19.${index}.2`,
      publicAddress: `${PUBLIC_SUBNET}.${100 + index}`,
    };
    addNamespace(client.router);
    addNamespace(client.ns);
    plugIntoPublic(client.router, 'wan', `rt-${name}`, client.publicAddress);
    ip('link', 'add', 'lan', 'netns', client.router, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', client.ns);
    inNs(client.router, 'ip', 'addr', 'add', `198.19.${index}.1/24`, 'dev', 'lan');
    inNs(client.router, 'ip', 'link', 'set', 'lan', 'up');
    inNs(client.ns, 'ip', 'addr', 'add', `${client.address}/24`, 'dev', 'eth0');
    inNs(client.ns, 'ip', 'link', 'set', 'eth0', 'up');
    inNs(client.ns, 'ip', 'route', 'add', 'default', 'via', `198.19.${index}.1`);
    inNs(client.router, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
    nft(client.router, routerRuleset(nat));
    this.clients.set(name, client);
    return client;
  }

  publicHost(name: string): PublicHost {
    const host = this.publicHosts.get(name);
    if (!host) throw new Error(`no public host ${name}`);
    return host;
  }

  client(name: string): ClientHost {
    const client = this.clients.get(name);
    if (!client) throw new Error(`no client ${name}`);
    return client;
  }

  destroy(): void {
    removeBed();
  }
}

/**
 * The router's nftables: NAT on the WAN side, the firewall of a tcp-only network, and an empty
 * `impair` chain (before the firewall) where loss and cuts of the client's link go.
 */
function routerRuleset(nat: NatKind): string {
  const masquerade = nat === 'symmetric' ? 'masquerade random,fully-random' : 'masquerade';
  const firewall =
    nat === 'tcp-only'
      ? `iifname "lan" tcp dport { ${TCP_ONLY_PORTS.join(', ')} } accept\n        iifname "lan" drop`
      : '';
  return `
    table ip bed_nat {
      chain post { type nat hook postrouting priority 100; oifname "wan" ${masquerade}; }
    }
    table ip bed_filter {
      chain impair { type filter hook forward priority -10; policy accept; }
      chain firewall {
        type filter hook forward priority 0; policy accept;
        ${firewall}
      }
    }
  `;
}
