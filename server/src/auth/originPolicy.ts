/**
 * Which pages may use the session cookie: a cookie-authenticated Socket.io handshake or POST
 * must come from an allowed origin (PUBLIC_ORIGIN), or, when none is configured, from the
 * host it is sent to (its `Origin` names the request's own `Host`). This stops a page of
 * another origin, a sibling subdomain, another port or localhost in development (all
 * "same-site", so SameSite=Lax still sends the cookie) from acting with the victim's session.
 *
 * Requests without `Origin` come from non-browser clients or same-origin GETs; they are
 * refused only when the browser says the request is not same-origin (`Sec-Fetch-Site`).
 */
export interface OriginCheck {
  origin: string | undefined;
  host: string | undefined;
  secFetchSite: string | undefined;
}

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

export interface OriginPolicy {
  check(request: OriginCheck): OriginVerdict;
}

function originOf(value: string): URL | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

export function createOriginPolicy(publicOrigins: readonly string[]): OriginPolicy {
  const allowed = new Set(publicOrigins.map((origin) => new URL(origin).origin));
  return {
    check({ origin, host, secFetchSite }) {
      if (origin === undefined || origin === '') {
        const site = secFetchSite?.toLowerCase();
        if (site === 'cross-site' || site === 'same-site') return { ok: false, reason: `sec-fetch-site ${site}` };
        return { ok: true };
      }
      const url = originOf(origin);
      if (!url) return { ok: false, reason: 'opaque or malformed origin' };
      if (allowed.size > 0) {
        return allowed.has(url.origin) ? { ok: true } : { ok: false, reason: 'origin not in PUBLIC_ORIGIN' };
      }
      if (host && url.host.toLowerCase() === host.trim().toLowerCase()) return { ok: true };
      return { ok: false, reason: 'origin is not the requested host' };
    },
  };
}
