/**
 * Import rules of the repository (`npm run lint:imports`, run first by `npm test`). Each rule
 * is one layer boundary of docs/architecture.md ("What may import what"). Paths are relative to
 * the repository root; `@parley/protocol` resolves to protocol/src (the "source" condition).
 */
const WORKSPACE_TEST = '^(protocol|server|media-workers|client|loadtest|bench)/test/';
const PRODUCT = '^(protocol|server|media-workers|client|loadtest)/src/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No module reaches itself through its imports.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-not-realtime',
      severity: 'error',
      comment:
        'Domain code (server/src/chat, meetings, sfu, room, presence, auth, ...) never imports realtime/: it ' +
        'reaches clients through server/src/clientRooms.ts. Only realtime/ itself and the assembly ' +
        '(main.ts, startParley.ts, context.ts) know the Socket.io server.',
      from: { path: '^server/src/', pathNot: '^server/src/(realtime/|(main|startParley|context)\\.[jt]s$)' },
      to: { path: '^server/src/realtime/' },
    },
    {
      name: 'media-workers-not-server',
      severity: 'error',
      comment: 'The media node knows meetings and peers only by opaque ids; it never imports the signalling server.',
      from: { path: '^media-workers/' },
      to: { path: '^server/' },
    },
    {
      name: 'client-not-server-or-media-workers',
      severity: 'error',
      comment: 'The browser client talks to the server only over the wire contract (@parley/protocol).',
      from: { path: '^client/' },
      to: { path: '^(server|media-workers)/' },
    },
    {
      name: 'wire-contract-only',
      severity: 'error',
      comment:
        "The browser client and the load tester's bots speak the public wire contract (@parley/protocol, " +
        'protocol/src/index.ts) only, never the internal one (@parley/protocol/internal: media RPC, Redis keys).',
      from: { path: ['^client/', '^loadtest/src/bots/'] },
      to: { path: '^protocol/src/internal\\.[jt]s$' },
    },
    {
      name: 'protocol-imports-no-workspace',
      severity: 'error',
      comment: 'protocol/ is the contract every workspace shares; it depends on none of them.',
      from: { path: '^protocol/' },
      to: { path: '^(server|media-workers|client|loadtest|bench|test|scripts)/' },
    },
    {
      name: 'tools-use-public-entry-points',
      severity: 'error',
      comment:
        'bench/ and loadtest/ use a workspace only through its public entry point (protocol/src/index.ts and ' +
        'internal.ts, ' +
        'server/src/index.ts, media-workers/src/index.ts) or as a process, never its internals.',
      from: { path: '^(bench|loadtest)/' },
      to: {
        path: PRODUCT,
        pathNot: [
          '^(protocol|server|media-workers)/src/index\\.[jt]s$',
          '^protocol/src/internal\\.[jt]s$',
          '^loadtest/src/',
        ],
      },
    },
    {
      name: 'product-code-not-tests',
      severity: 'error',
      comment:
        "Product code (the workspaces' src/) and the benchmarks never import a test folder; the benchmarks " +
        'may use the shared test harness (test/support/) to start servers, media nodes, databases and browsers.',
      from: { path: [PRODUCT, '^bench/'], pathNot: '^bench/test/' },
      to: { path: ['(^|/)test/'], pathNot: '^test/support/' },
    },
    {
      name: 'product-code-not-harness',
      severity: 'error',
      comment: 'Product code never imports the test harness.',
      from: { path: PRODUCT },
      to: { path: '^test/support/' },
    },
    {
      name: 'one-test-harness',
      severity: 'error',
      comment:
        "A workspace's test/ folder belongs to that workspace; what several workspaces' tests share lives in the " +
        'one shared harness, test/support/.',
      from: { path: '^([^/]+)/' },
      to: { path: WORKSPACE_TEST, pathNot: '^$1/test/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // test/rules/fixtures/ breaks every rule on purpose (test/rules/importRules.test.ts).
    exclude: { path: ['(^|/)(node_modules|dist|test-output|coverage)/', '^test/rules/fixtures/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.tests.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['source', 'import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
