import { describe, expect, it } from 'vitest';
import { CreateDeploymentInput, CreateEnvironmentInput } from '../../../functions/domain/inputs.ts';

describe('rates in inputs', () => {
  it('refuses a rate too small to mean anything (or to be stored), found by the contract fuzzer', () => {
    // Arrange
    const deployment = { version: 'v1', simulate: { health_check_failure_rate: 1.5e-323 } };
    const environment = { name: 'e', parameters: { simulate: { failure_rate: 5e-324 } } };

    // Act
    const deploymentResult = CreateDeploymentInput.safeParse(deployment);
    const environmentResult = CreateEnvironmentInput.safeParse(environment);

    // Assert
    expect(deploymentResult.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['simulate.health_check_failure_rate', 'must be 0, or from 1e-12 to 1'],
    ]);
    expect(environmentResult.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['parameters.simulate.failure_rate', 'must be 0, or from 1e-12 to 1'],
    ]);
  });

  it('accepts 0, 1e-12 and 1', () => {
    for (const rate of [0, 1e-12, 1]) {
      expect(
        CreateDeploymentInput.safeParse({ version: 'v1', simulate: { health_check_failure_rate: rate } })
          .success,
      ).toBe(true);
    }
  });
});
