import type { IceServer } from '@parley/protocol';
import { turnCredential } from './turnCredentials.js';

export interface IceSettings {
  stunUrls: readonly string[];
  turnUrls: readonly string[];
  turnSecret: string | undefined;
  turnTtlSeconds: number;
}

const isStun = (url: string): boolean => /^stuns?:/i.test(url);

/** TURN_TTL when the list handed out carries TURN credentials (clients refresh before it ends). */
export function iceServersTtl(settings: IceSettings): number | undefined {
  const turn = settings.turnUrls.some((url) => !isStun(url));
  return turn && settings.turnSecret ? settings.turnTtlSeconds : undefined;
}

/**
 * The RTCIceServer list handed to a user: one STUN entry (STUN_URLS, plus any stun: URL found in
 * TURN_URLS) and one TURN entry carrying fresh TURN REST credentials. Without a TURN secret there
 * is no TURN entry at all: coturn would refuse anything the server could hand out.
 */
export function buildIceServers(settings: IceSettings, userId: string, nowMs = Date.now()): IceServer[] {
  const stun = [...settings.stunUrls, ...settings.turnUrls.filter(isStun)];
  const turn = settings.turnUrls.filter((url) => !isStun(url));
  const servers: IceServer[] = [];
  if (stun.length > 0) servers.push({ urls: stun });
  if (turn.length > 0 && settings.turnSecret) {
    const { username, credential } = turnCredential(settings.turnSecret, userId, settings.turnTtlSeconds, nowMs);
    servers.push({ urls: turn, username, credential });
  }
  return servers;
}
