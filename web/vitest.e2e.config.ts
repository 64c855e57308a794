import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Browser tests live in ../e2e and run against a real server started by
// e2e/run.mjs (which passes E2E_BASE_URL). playwright-core is installed here,
// in web/node_modules, so e2e/ needs no package.json of its own.
const require = createRequire(import.meta.url);
const e2eDir = fileURLToPath(new URL('../e2e', import.meta.url));

export default defineConfig({
  resolve: {
    alias: { 'playwright-core': require.resolve('playwright-core') },
  },
  test: {
    dir: e2eDir,
    include: ['**/*.e2e.ts'],
    globals: true,
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A page on a busy CI machine can take longer than vitest's default 1 s
    // to show what a poll waits for; a poll still fails when it never does.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
  },
});
