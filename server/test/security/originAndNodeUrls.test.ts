import { describe, expect, it } from 'vitest';
import { createOriginPolicy } from '../../src/auth/originPolicy.js';
import { trustedNodeUrls } from '../../src/media/trustedNodeUrls.js';
import { HashGate } from '../../src/auth/hashGate.js';
import { AppError } from '../../src/appError.js';

describe('originPolicy', () => {
  const derived = createOriginPolicy([]);
  const listed = createOriginPolicy(['https://chat.example.org']);
  const check = (policy: typeof derived, origin: string | undefined, host = 'chat.example.org', site?: string) =>
    policy.check({ origin, host, secFetchSite: site }).ok;

  it('without PUBLIC_ORIGIN: the origin must name the requested host', () => {
    expect(check(derived, 'https://chat.example.org')).toBe(true);
    expect(check(derived, 'http://chat.example.org')).toBe(true); // the host is what matters
    expect(check(derived, 'https://evil.example')).toBe(false);
    expect(check(derived, 'https://sub.chat.example.org')).toBe(false);
    expect(check(derived, 'https://chat.example.org:8443')).toBe(false);
    expect(check(derived, 'http://localhost:5173', 'localhost:5173')).toBe(true);
    expect(check(derived, 'http://localhost:8080', 'localhost:3000')).toBe(false);
    expect(check(derived, 'null')).toBe(false);
    expect(check(derived, 'file://x')).toBe(false);
  });

  it('with PUBLIC_ORIGIN: exactly the listed origins', () => {
    expect(check(listed, 'https://chat.example.org', 'internal:3000')).toBe(true);
    expect(check(listed, 'http://chat.example.org')).toBe(false);
    expect(check(listed, 'https://other.example.org', 'other.example.org')).toBe(false);
  });

  it('no Origin: allowed unless the browser says the request is cross-site or same-site', () => {
    expect(check(derived, undefined)).toBe(true);
    expect(check(derived, undefined, 'chat.example.org', 'same-origin')).toBe(true);
    expect(check(derived, undefined, 'chat.example.org', 'none')).toBe(true);
    expect(check(derived, undefined, 'chat.example.org', 'same-site')).toBe(false);
    expect(check(derived, undefined, 'chat.example.org', 'cross-site')).toBe(false);
  });
});

describe('trustedNodeUrls', () => {
  it('by default: private, loopback and link-local hosts only', () => {
    const trusted = trustedNodeUrls([]);
    for (const url of [
      'http://10.0.0.5:4000',
      'http://172.20.1.1:4000',
      'http://192.168.1.9:4000',
      'http://127.0.0.1:4000',
      'http://localhost:4000',
      'http://[fd00::2]:4000',
      'http://[::1]:4000',
      'http://100.64.0.1:4000',
    ]) {
      expect(trusted(url), url).toBe(true);
    }
    for (const url of [
      'http://203.0.113.9:4000',
      'http://8.8.8.8:4000',
      'http://media.example.org:4000',
      'http://172.32.0.1:4000',
      'http://[2001:db8::1]:4000',
      'ftp://10.0.0.1',
    ]) {
      expect(trusted(url), url).toBe(false);
    }
  });

  it('with MEDIA_NODE_URL_PATTERN: the patterns, * within one URL part', () => {
    const trusted = trustedNodeUrls(['http://media-*.internal.example:4000', 'https://10.1.*']);
    expect(trusted('http://media-1.internal.example:4000')).toBe(true);
    expect(trusted('http://media-1.internal.example:4001')).toBe(false);
    expect(trusted('https://10.1.2.3')).toBe(true);
    expect(trusted('https://10.1.2.3:4000')).toBe(true);
    expect(trusted('http://10.0.0.5:4000')).toBe(false); // patterns replace the default
    expect(trusted('http://media-1.evil.example/x.internal.example:4000')).toBe(false);
  });
});

describe('HashGate', () => {
  it('runs at most `concurrency` at once, queues `queue`, refuses the rest with 503 + Retry-After', async () => {
    const gate = new HashGate({ concurrency: 2, queue: 1 });
    let running = 0;
    let most = 0;
    const releases: Array<() => void> = [];
    const task = () =>
      new Promise<string>((resolve) => {
        running++;
        most = Math.max(most, running);
        releases.push(() => {
          running--;
          resolve('done');
        });
      });
    const accepted = [gate.run(task), gate.run(task), gate.run(task)];
    const refused = gate.run(task);
    await expect(refused).rejects.toBeInstanceOf(AppError);
    await refused.catch((error: AppError) => {
      expect(error.code).toBe('unavailable');
      expect(Number(error.headers['Retry-After'])).toBeGreaterThan(0);
    });
    while (releases.length < 2) await new Promise((r) => setTimeout(r, 1));
    releases.shift()!();
    while (releases.length < 2) await new Promise((r) => setTimeout(r, 1));
    releases.shift()!();
    releases.shift()!();
    expect(await Promise.all(accepted)).toEqual(['done', 'done', 'done']);
    expect(most).toBe(2);
  });
});
