import { describe, expect, it } from 'vitest';
import {
  logEvent,
  operationLogs,
  presentLogEvent,
  resourceLabel,
  stackDestroyedLogs,
  stackFailedLogs,
  stackProvisionedLogs,
  stackSkippedLogs,
  stackStartedLogs,
} from '../../../functions/domain/logs.ts';
import type { SimulatedResource } from '../../../functions/domain/model.ts';

const ENV_ID = 'env_01jd8x3k5m7n9p1q3r5s7t9v1w';
const OP_ID = 'op_01jd8x3k5m7n9p1q3r5s7t9v1w';
const AT = '2026-11-22T10:00:00.000Z';

function resource(type: string, logicalId: string, id: string): SimulatedResource {
  return { type, logical_id: logicalId, id, arn: '', properties: {}, monthly_cost_usd: 0 };
}

const resources = [
  resource('AWS::EC2::VPC', 'Vpc', 'vpc-0a1b2c3d4e5f67890'),
  resource('AWS::EC2::Subnet', 'PublicSubnet1', 'subnet-0123456789abcdef0'),
  resource('AWS::WAFv2::WebACLAssociation', 'UserPoolWebAclAssociation', 'arn:aws:a|arn:aws:b'),
];

describe('log builders', () => {
  it('builds one event with the environment, operation, stack, level and time', () => {
    expect(logEvent(ENV_ID, OP_ID, 'network', 'WARN', 'careful', AT)).toEqual({
      environment_id: ENV_ID,
      operation_id: OP_ID,
      stack: 'network',
      level: 'WARN',
      message: 'careful',
      timestamp: AT,
    });
  });

  it('names a resource by its physical id, or its logical id when the id is empty or composite', () => {
    expect(resourceLabel({ id: 'vpc-1', logical_id: 'Vpc' })).toBe('vpc-1');
    expect(resourceLabel({ id: '', logical_id: 'Vpc' })).toBe('Vpc');
    expect(resourceLabel({ id: 'a|b', logical_id: 'Assoc' })).toBe('Assoc');
  });

  it.each([
    ['provision', 'Provisioning stack network'],
    ['destroy', 'Destroying stack network'],
    ['stop', 'Stopping stack network'],
    ['start', 'Starting stack network'],
    ['update', 'Updating stack network'],
  ] as const)('starts a stack (%s)', (action, message) => {
    expect(stackStartedLogs(ENV_ID, OP_ID, 'network', action, AT)).toEqual([
      logEvent(ENV_ID, OP_ID, 'network', 'INFO', message, AT),
    ]);
  });

  it('logs one Created line per resource in order, then a summary', () => {
    const events = stackProvisionedLogs(ENV_ID, OP_ID, 'network', resources, AT);
    expect(events.map((e) => e.message)).toEqual([
      'Created AWS::EC2::VPC vpc-0a1b2c3d4e5f67890',
      'Created AWS::EC2::Subnet subnet-0123456789abcdef0',
      'Created AWS::WAFv2::WebACLAssociation UserPoolWebAclAssociation',
      'Stack network provisioned (3 resources)',
    ]);
    for (const e of events) {
      expect(e).toMatchObject({
        environment_id: ENV_ID,
        operation_id: OP_ID,
        stack: 'network',
        level: 'INFO',
      });
      expect(e.timestamp).toBe(AT);
    }
  });

  it('logs one Deleted line per resource in reverse order, then a summary', () => {
    const events = stackDestroyedLogs(ENV_ID, OP_ID, 'network', resources.slice(0, 2), AT);
    expect(events.map((e) => e.message)).toEqual([
      'Deleted AWS::EC2::Subnet subnet-0123456789abcdef0',
      'Deleted AWS::EC2::VPC vpc-0a1b2c3d4e5f67890',
      'Stack network destroyed (2 resources)',
    ]);
    expect(events.every((e) => e.level === 'INFO')).toBe(true);
    // The caller's list is left as it was.
    expect(resources.map((r) => r.logical_id)).toEqual(['Vpc', 'PublicSubnet1', 'UserPoolWebAclAssociation']);
  });

  it('summarises a stack without resources', () => {
    expect(stackProvisionedLogs(ENV_ID, OP_ID, 'secrets', [], AT).map((e) => e.message)).toEqual([
      'Stack secrets provisioned (0 resources)',
    ]);
    expect(
      stackDestroyedLogs(ENV_ID, null, 'x', [resource('AWS::S3::Bucket', 'B', 'b')], AT).at(-1)?.message,
    ).toBe('Stack x destroyed (1 resource)');
  });

  it('logs a failed stack as an ERROR and a skipped one as a WARN', () => {
    expect(stackFailedLogs(ENV_ID, OP_ID, 'database-rds', 'InsufficientDBInstanceCapacity', AT)).toEqual([
      logEvent(
        ENV_ID,
        OP_ID,
        'database-rds',
        'ERROR',
        'Stack database-rds failed: InsufficientDBInstanceCapacity',
        AT,
      ),
    ]);
    expect(
      stackSkippedLogs(ENV_ID, OP_ID, 'services-api', 'depends on failed stack database-rds', AT),
    ).toEqual([
      logEvent(
        ENV_ID,
        OP_ID,
        'services-api',
        'WARN',
        'Stack services-api skipped: depends on failed stack database-rds',
        AT,
      ),
    ]);
  });

  it.each([
    ['started', undefined, 'INFO', `Operation ${OP_ID} (provision) started`],
    ['succeeded', undefined, 'INFO', `Operation ${OP_ID} (provision) succeeded`],
    [
      'succeeded',
      '8 stacks provisioned',
      'INFO',
      `Operation ${OP_ID} (provision) succeeded: 8 stacks provisioned`,
    ],
    [
      'failed',
      'stack network failed',
      'ERROR',
      `Operation ${OP_ID} (provision) failed: stack network failed`,
    ],
    ['cancelled', undefined, 'WARN', `Operation ${OP_ID} (provision) cancelled`],
  ] as const)('logs an operation %s (%s) at %s', (phase, detail, level, message) => {
    expect(operationLogs(ENV_ID, OP_ID, 'provision', phase, AT, detail)).toEqual([
      logEvent(ENV_ID, OP_ID, null, level, message, AT),
    ]);
  });

  it('presents an event with the API’s fields only', () => {
    const event = { ...logEvent(ENV_ID, OP_ID, 'network', 'INFO', 'hi', AT), ttl: 1 };
    expect(presentLogEvent(event)).toEqual({
      timestamp: AT,
      level: 'INFO',
      operation_id: OP_ID,
      deployment_id: null,
      stack: 'network',
      message: 'hi',
    });
  });
});
