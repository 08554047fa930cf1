import { defineConfig } from 'vitest/config';

/**
 * Test projects, all run by `npm test`:
 * - unit: domain, data and handlers (no I/O; aws-sdk-client-mock for the SDK);
 * - infra: CDK template assertions and cdk-nag;
 * - local: the embedded stand-ins (gateway, Step Functions endpoint);
 * - statemachines: the ASL files run locally with the real step handlers on DynamoDB Local;
 * - e2e: local mode over HTTP with real Cognito tokens.
 * Integration projects start real processes (Java for DynamoDB Local), so `local` and
 * `statemachines` run their files one at a time; `e2e` files, which mostly wait on simulated
 * durations, run two at a time (each has its own local mode on ephemeral ports): on 2 cores
 * that took the e2e files from about 7.5 to 4 minutes.
 */
export default defineConfig({
  test: {
    // Two workers whatever the machine reports: the tests are sized for 2 cores.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/unit/helpers/env.ts'],
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'local',
          include: ['test/local/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'statemachines',
          include: ['test/statemachines/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 90_000,
          fileParallelism: true,
        },
      },
    ],
  },
});
