import { describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../../functions/domain/access.ts';
import {
  approvalReason,
  assertMayAnswer,
  assertProtectable,
  mayApprove,
  pendingApproval,
  policyOf,
  storedPlanOf,
} from '../../../functions/domain/approvals.ts';
import { ForbiddenError, ValidationError } from '../../../functions/domain/errors.ts';
import { metricDeltas, operationEndedEvents } from '../../../functions/domain/lifecycle-events.ts';
import type { EnvironmentRecord, OperationRecord, StackRecord } from '../../../functions/domain/model.ts';

const admin = principalFromClaims({ sub: 'admin', 'cognito:groups': 'Administrators' }, 'Developers');
const developer = principalFromClaims({ sub: 'dev', 'cognito:groups': 'Developers' }, 'Developers');
const approver = principalFromClaims({ sub: 'approver', 'cognito:groups': 'Developers' }, 'Developers');
const reader = principalFromClaims({ sub: 'reader', 'cognito:groups': 'ReadOnly' }, 'Developers');
// A service account's token (docs/decisions.md §44), even one also put in Administrators.
const pipeline = principalFromClaims(
  {
    sub: 'sa',
    email: 'sa-01abc@service-accounts.invalid',
    'cognito:groups': 'ServiceAccounts,Administrators',
    'custom:project_id': 'prj_1',
    'custom:sa_role': 'deployer',
    'custom:sa_expires_at': '2999-01-01T00:00:00.000Z',
  },
  'Developers',
);

const environment = {
  id: 'env_1',
  project_id: 'prj_1',
  owner_id: 'dev',
  status: 'running',
  protected: true,
  parameters: { instance_type: 't3.micro' },
  on_failure: 'rollback',
  estimated_monthly_cost_usd: 40,
} as unknown as EnvironmentRecord;

const stack = (name: string, layer: number, cost: number): StackRecord =>
  ({ name, layer, status: 'provisioned', estimated_monthly_cost_usd: cost }) as unknown as StackRecord;

describe('which operations wait for an approval', () => {
  it('the defaults: destroy, update and delete_stacks of a protected environment; not stop', () => {
    // Arrange
    const policy = policyOf(null);
    // Act + Assert
    expect(policy).toEqual({ operations: ['destroy', 'update', 'delete_stacks'], approvers: [] });
    expect(approvalReason(environment, policy, 'destroy', undefined)).toBe(
      'destroy of a protected environment',
    );
    expect(approvalReason(environment, policy, 'delete_stacks', undefined)).toBe(
      'delete stacks of a protected environment',
    );
    expect(approvalReason(environment, policy, 'stop', undefined)).toBeNull();
    expect(approvalReason({ protected: false }, policy, 'destroy', undefined)).toBeNull();
  });

  it('turning protection off always waits, whatever the policy names', () => {
    // Act
    const reason = approvalReason(environment, { operations: [], approvers: [] }, 'update', {
      protected: false,
    });
    // Assert
    expect(reason).toBe('turning off the protection of a protected environment');
  });

  it('an ephemeral environment cannot be protected', () => {
    // Act + Assert
    expect(() => assertProtectable('ephemeral', true)).toThrow(ValidationError);
    expect(() => assertProtectable('persistent', true)).not.toThrow();
    expect(() => assertProtectable('ephemeral', false)).not.toThrow();
  });
});

describe('who may answer', () => {
  const policy = { operations: ['destroy' as const], approvers: ['approver'] };
  const operation = { requested_by: 'dev' } as OperationRecord;

  it('Administrators and named approvers; never ReadOnly, never a service account', () => {
    // Act + Assert
    expect([admin, approver, developer, reader, pipeline].map((p) => mayApprove(p, policy))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('never whoever requested it, even an Administrator', () => {
    // Act + Assert
    expect(() => assertMayAnswer(admin, policy, { requested_by: 'admin' } as OperationRecord)).toThrow(
      new ForbiddenError('You requested this operation: someone else must approve or reject it'),
    );
    expect(() => assertMayAnswer(developer, policy, { requested_by: 'someone' } as OperationRecord)).toThrow(
      new ForbiddenError('Only an Administrator or an approver named by the project may answer an approval'),
    );
    expect(() => assertMayAnswer(approver, policy, operation)).not.toThrow();
  });
});

describe('what an approver is shown', () => {
  it('a destroy: every stack deleted in walk order, the cost going to 0', () => {
    // Arrange
    const stacks = [stack('network', 1, 30), stack('compute-lambda', 2, 10)];
    // Act
    const plan = storedPlanOf(
      environment,
      stacks,
      { kind: 'destroy' },
      [
        { layer: 1, stacks: ['compute-lambda'] },
        { layer: 2, stacks: ['network'] },
      ],
      undefined,
    );
    // Assert
    expect(plan).toEqual({
      summary: 'destroy: delete 2 stacks in 2 layers',
      stacks: [
        { name: 'compute-lambda', layer: 2, change: 'delete' },
        { name: 'network', layer: 1, change: 'delete' },
      ],
      changes: [],
      monthly_cost_before_usd: 40,
      monthly_cost_after_usd: 0,
    });
  });

  it('an update: the parameters and settings it changes', () => {
    // Act
    const plan = storedPlanOf(environment, [], { kind: 'update' }, [], {
      parameters: { instance_type: 't4g.micro' } as EnvironmentRecord['parameters'],
      protected: false,
    });
    // Assert
    expect(plan.summary).toBe('update: no stack changes; changes instance_type, protected');
    expect(plan.changes).toEqual([
      { name: 'instance_type', from: 't3.micro', to: 't4g.micro' },
      { name: 'protected', from: true, to: false },
    ]);
  });

  it('expires after the configured wait', () => {
    // Act
    const approval = pendingApproval(
      'destroy of a protected environment',
      'running',
      '2026-12-01T10:00:00.000Z',
      604_800,
    );
    // Assert
    expect(approval).toEqual({
      status: 'pending',
      reason: 'destroy of a protected environment',
      previous_status: 'running',
      requested_at: '2026-12-01T10:00:00.000Z',
      expires_at: '2026-12-08T10:00:00.000Z',
      answered_by: null,
      answered_by_name: null,
      comment: null,
      answered_at: null,
    });
  });
});

describe('the events of an operation that never ran', () => {
  it('a rejection moves the environment back and counts in no hourly operation counter', () => {
    // Arrange
    const waiting = { ...environment, status: 'awaiting_approval' } as EnvironmentRecord;
    const operation = {
      id: 'op_1',
      kind: 'destroy',
      started_at: '2026-12-01T10:00:00.000Z',
    } as OperationRecord;
    // Act
    const events = operationEndedEvents(waiting, operation, {
      operationStatus: 'rejected',
      environmentStatus: 'running',
      error: 'Rejected by Ada',
      at: '2026-12-01T10:05:00.000Z',
    });
    // Assert
    expect(events.map((e) => [e.type, e.detail.status])).toEqual([
      ['operation.finished', 'rejected'],
      ['environment.running', 'running'],
    ]);
    expect(events.map(metricDeltas)).toEqual([
      { hourly: {}, statuses: {} },
      { hourly: {}, statuses: { running: 1, awaiting_approval: -1 } },
    ]);
  });
});
