import { describe, expect, it } from 'vitest';
import { loginHref, safeNextPath } from '../src/auth/nextPath.js';

describe('safeNextPath', () => {
  it('keeps paths of this app', () => {
    expect(safeNextPath('/meet/abc')).toBe('/meet/abc');
    expect(safeNextPath('/c/1?x=2#m')).toBe('/c/1?x=2#m');
    expect(safeNextPath(['/meet/a', '/meet/b'])).toBe('/meet/a');
  });

  it('refuses other origins and protocol-relative or backslash tricks', () => {
    for (const bad of [
      'https://evil.example',
      '//evil.example/x',
      '/\\evil.example',
      'javascript:alert(1)',
      '',
      undefined,
    ]) {
      expect(safeNextPath(bad)).toBe('/');
    }
  });

  it('never sends the user back to the account pages', () => {
    expect(safeNextPath('/login')).toBe('/');
    expect(safeNextPath('/register?next=/x')).toBe('/');
    expect(safeNextPath('/loginhelp')).toBe('/loginhelp');
  });
});

describe('loginHref', () => {
  it('carries the page to come back to, encoded', () => {
    expect(loginHref('/meet/m 1')).toBe('/login?next=%2Fmeet%2Fm%201');
    expect(loginHref('/meet/x', 'register')).toBe('/register?next=%2Fmeet%2Fx');
  });

  it('leaves out a next that goes home anyway', () => {
    expect(loginHref('/')).toBe('/login');
    expect(loginHref('//evil')).toBe('/login');
  });
});
