/**
 * PARLEY_ENV_VARS (loadtest/src/server/parleyEnvVars.ts) names every variable the server and the
 * media node read, so that no variable of a developer's shell leaks into an embedded Parley or a
 * test server. The configuration sources are read as text: each `read('NAME'` or `raw('NAME'`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PARLEY_ENV_VARS } from '../src/server/parleyEnvVars.js';

const CONFIG_SOURCES = [
  'server/src/config/serverConfig.ts',
  'server/src/config/limits.ts',
  'media-workers/src/config.ts',
];

function variablesReadBy(path: string): string[] {
  const source = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
  return [...source.matchAll(/\b(?:read|raw)\(\s*'([A-Z][A-Z0-9_]*)'/g)].map((match) => match[1]!);
}

describe('PARLEY_ENV_VARS', () => {
  it.each(CONFIG_SOURCES)('names every variable %s reads', (path) => {
    const read = variablesReadBy(path);
    expect(read.length).toBeGreaterThan(10);
    expect(read.filter((name) => !PARLEY_ENV_VARS.includes(name))).toEqual([]);
  });

  it('names each variable once', () => {
    expect(new Set(PARLEY_ENV_VARS).size).toBe(PARLEY_ENV_VARS.length);
  });
});
