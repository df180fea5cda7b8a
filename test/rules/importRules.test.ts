/**
 * The import rules of `.dependency-cruiser.cjs` (`npm run lint:imports`) catch what they are
 * meant to: a small tree under fixtures/ breaks each rule once, next to imports the rules allow
 * (a public entry point, the shared harness, a workspace's own test support, the assembly
 * importing realtime/). The repository itself passing is `npm run lint:imports`.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const config = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as IConfiguration;
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

describe('import rules', () => {
  it('flag each forbidden import of the fixture tree, and only those', async () => {
    const { output } = await cruise(['protocol', 'server', 'media-workers', 'client', 'loadtest', 'bench', 'test'], {
      baseDir: FIXTURES,
      validate: true,
      ruleSet: { forbidden: config.forbidden ?? [] },
    });
    const violations = (output as ICruiseResult).summary.violations
      .map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)
      .sort();
    expect(violations).toEqual(
      [
        'client-not-server-or-media-workers: client/src/app.js → media-workers/src/main.js',
        'domain-not-realtime: server/src/chat/service.js → server/src/realtime/io.js',
        'media-workers-not-server: media-workers/src/main.js → server/src/chat/service.js',
        'no-circular: server/src/chat/a.js → server/src/chat/b.js',
        'one-test-harness: test/integration/cases.test.js → media-workers/test/support/node.js',
        'product-code-not-harness: server/src/media/client.js → test/support/harness.js',
        'product-code-not-tests: bench/run.js → test/integration/cases.test.js',
        'protocol-imports-no-workspace: protocol/src/index.js → client/src/app.js',
        'tools-use-public-entry-points: loadtest/src/cli.js → server/src/chat/service.js',
        'wire-contract-only: client/src/app.js → protocol/src/internal.js',
        'wire-contract-only: loadtest/src/bots/bot.js → protocol/src/internal.js',
      ].sort(),
    );
  });
});
