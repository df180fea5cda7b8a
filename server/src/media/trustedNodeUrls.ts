import { isPrivateHost } from '@parley/protocol';

/** `*` matches any run of characters except `/`; everything else is literal. */
function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/\/+$/, '')
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`^${body}$`, 'i');
}

/**
 * Which media node URLs a server may send MEDIA_SECRET to when a node registers itself in Redis
 * (anyone who can write there could otherwise register a URL of their own and collect the
 * secret): those matching MEDIA_NODE_URL_PATTERN, or, without patterns, those whose host is a
 * private, loopback or link-local address. The operator's MEDIA_NODE_URLS are trusted as they are.
 */
export function trustedNodeUrls(patterns: readonly string[]): (origin: string) => boolean {
  const matchers = patterns.map(globToRegExp);
  return (origin) => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    if (matchers.length > 0) return matchers.some((matcher) => matcher.test(url.origin));
    return isPrivateHost(url.hostname);
  };
}
