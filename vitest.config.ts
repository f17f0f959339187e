import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Forbid `.only` in CI so a focused test can never hide the rest of the suite.
    allowOnly: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // On Node 20 every worker's first AWS SDK client would print the SDK's Node-version warning (README, "Node 20").
    // No EMF lines in the test output either; the metrics tests switch them on for themselves.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_METRICS_DISABLED: 'true' },
  },
});
