/**
 * `APPROVAL_TIMEOUT_SECONDS` in AWS (docs/decisions.md §43): set by the `approvalTimeoutSeconds`
 * prop or context on exactly the functions that start operations (and the sweeper, whose drift
 * remediation starts one); unset, nobody gets it and the functions' 7 days apply.
 */
import { rmSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ApiStack } from '../../lib/api-stack.ts';
import { StatefulStack } from '../../lib/stateful-stack.ts';
import { logicalId, newTestApp, resourcesOfType } from './support.ts';

function approvalTimeouts(options: { prop?: number; context?: string }) {
  const app = newTestApp();
  if (options.context !== undefined) app.node.setContext('approvalTimeoutSeconds', options.context);
  try {
    const stateful = new StatefulStack(app, 'EnvProvisioning-Stateful');
    const api = new ApiStack(app, 'EnvProvisioning-Api', {
      table: stateful.table,
      ...(options.prop === undefined ? {} : { approvalTimeoutSeconds: options.prop }),
    });
    const template = Template.fromStack(api);
    const functions = resourcesOfType(template, 'AWS::Lambda::Function');
    const timeoutOf = (construct: Parameters<typeof logicalId>[0]) => {
      const variables = (
        functions[logicalId(construct)]?.Properties?.Environment as { Variables?: Record<string, unknown> }
      )?.Variables;
      return variables?.APPROVAL_TIMEOUT_SECONDS;
    };
    const groups = Object.fromEntries(
      [...api.restApi.functions].map(([group, fn]) => [group, timeoutOf(fn)]),
    );
    return { groups, sweeper: timeoutOf(api.sweeper.function) };
  } finally {
    rmSync(app.outdir, { recursive: true, force: true });
  }
}

describe('the approval timeout in AWS', () => {
  it('goes to the functions that start operations and the sweeper, from the prop', () => {
    // Act
    const { groups, sweeper } = approvalTimeouts({ prop: 3600 });
    // Assert
    const withIt = Object.entries(groups)
      .filter(([, value]) => value !== undefined)
      .map(([group, value]) => [group, value]);
    expect(withIt).toEqual([
      ['environments', '3600'],
      ['stacks', '3600'],
      ['operations', '3600'],
    ]);
    expect(sweeper).toBe('3600');
  });

  it('comes from the context too, and is checked', () => {
    // Act + Assert
    expect(approvalTimeouts({ context: '86400' }).sweeper).toBe('86400');
    expect(() => approvalTimeouts({ context: '0' })).toThrow(
      'Context approvalTimeoutSeconds must be a whole number of seconds between 1 and 31536000, got 0',
    );
  });

  it('is left to the functions’ own default when not given', () => {
    // Act
    const { groups, sweeper } = approvalTimeouts({});
    // Assert
    expect(Object.values(groups).filter((value) => value !== undefined)).toEqual([]);
    expect(sweeper).toBeUndefined();
  });
});
