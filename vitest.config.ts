import { defineConfig } from 'vitest/config';

// This machine runs Node 20 (Lambda runs 22); the SDK's reminder about it is noise in test output.
const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          env: { ...env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
        },
      },
      {
        test: {
          name: 'integration',
          env,
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          setupFiles: ['test/integration/contract-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One runtime serves all files; files run in parallel against it.
          fileParallelism: true,
        },
      },
      {
        test: {
          name: 'browser',
          env,
          include: ['test/browser/**/*.test.ts'],
          // Same local runtime as the integration tests, started once for this project.
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'infra',
          env,
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
