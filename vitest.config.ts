import { defineConfig } from 'vitest/config';

/**
 * Test projects, all run by `npm test`:
 * - unit: domain, data and handlers (no I/O; aws-sdk-client-mock for the SDK);
 * - infra: CDK template assertions and cdk-nag;
 * - local: the embedded stand-ins (gateway, Step Functions endpoint) and adapters that need a socket;
 * - statemachines: the ASL files run locally with the real step handlers on DynamoDB Local;
 * - e2e: local mode over HTTP with real Cognito tokens.
 * Every project runs its files two at a time, each integration file on its own stand-ins
 * (DynamoDB Local on a free port, its own Step Functions runner, an ephemeral gateway port), so
 * no two files share state. `local` and `statemachines` used to run one file at a time: vitest
 * runs such projects after the parallel ones, on one worker, which left one of the two cores idle
 * for their 3.5 minutes (docs/decisions.md §47).
 */
export default defineConfig({
  test: {
    // Two workers whatever the machine reports: the tests are sized for 2 cores (a third
    // measured no faster, docs/decisions.md §47).
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
        },
      },
      {
        test: {
          name: 'statemachines',
          include: ['test/statemachines/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
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
        },
      },
    ],
  },
});
