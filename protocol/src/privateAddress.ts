/**
 * Addresses that are not reachable from the public internet: loopback, RFC 1918 private ranges,
 * carrier-grade NAT (100.64.0.0/10), link-local, and IPv6 unique-local / link-local. Media nodes
 * bind their RPC to one in production, and servers send MEDIA_SECRET only to such a node unless
 * MEDIA_NODE_URL_PATTERN says otherwise.
 */
function ipv4Octets(host: string): number[] | null {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!match) return null;
  const octets = match.slice(1).map(Number);
  return octets.every((octet) => octet <= 255) ? octets : null;
}

export function isPrivateIpv4(host: string): boolean {
  const octets = ipv4Octets(host);
  if (!octets) return false;
  const [a = -1, b = -1] = octets;
  return (
    a === 10 ||
    a === 127 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254)
  );
}

export function isPrivateIpv6(host: string): boolean {
  const address = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (!address.includes(':')) return false;
  if (address === '::1') return true;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
  if (mapped?.[1]) return isPrivateIpv4(mapped[1]);
  return /^f[cd][0-9a-f]{0,2}:/.test(address) || /^fe[89ab][0-9a-f]?:/.test(address);
}

/** A host (name or IP literal, as in a URL) that is loopback or a private address. */
export function isPrivateHost(host: string): boolean {
  const name = host.toLowerCase();
  return name === 'localhost' || isPrivateIpv4(name) || isPrivateIpv6(name);
}
