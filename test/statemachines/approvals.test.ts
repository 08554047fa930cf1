/**
 * Approvals of a protected environment's operations, at the state-machine level: the real
 * use cases and stores against DynamoDB Local, the real provision and destroy state machines
 * on the local Step Functions runner, whose callback tasks (`.waitForTaskToken`) wait for the
 * answer the approval use cases send (docs/decisions.md §43).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../functions/domain/access.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../functions/domain/errors.ts';
import type { ProjectRecord } from '../../functions/domain/model.ts';
import {
  approveOperation,
  listApprovals,
  rejectOperation,
} from '../../functions/domain/use-cases/approvals.ts';
import {
  createEnvironment,
  destroyEnvironment,
  type EnvironmentSettings,
} from '../../functions/domain/use-cases/environments.ts';
import { cancelOperation } from '../../functions/domain/use-cases/operation-views.ts';
import { stopEnvironment, updateEnvironment } from '../../functions/domain/use-cases/operations.ts';
import { updateProject } from '../../functions/domain/use-cases/projects.ts';
import { type Harness, must, startHarness } from './harness.ts';

let harness: Harness;
let deps: Harness['deps'];

const owner = principalFromClaims({ sub: 'ap-owner', 'cognito:groups': 'Developers' }, 'Developers');
const admin = principalFromClaims(
  { sub: 'ap-admin', name: 'Ada Admin', 'cognito:groups': 'Administrators' },
  'Developers',
);
const otherDeveloper = principalFromClaims({ sub: 'ap-other', 'cognito:groups': 'Developers' }, 'Developers');
const reader = principalFromClaims({ sub: 'ap-reader', 'cognito:groups': 'ReadOnly' }, 'Developers');

beforeAll(async () => {
  harness = await startHarness('approval-tests');
  ({ deps } = harness);
});

afterAll(async () => {
  await harness?.stop();
});

function settings(approvalTimeoutSeconds = 604_800): EnvironmentSettings {
  return { ...harness.settings(), approvalTimeoutSeconds };
}

/** A running, protected, persistent `minimal` environment of `owner`, in a project of its own. */
async function protectedEnvironment(name: string, project?: ProjectRecord) {
  const inProject = project ?? (await harness.project(owner));
  const created = await createEnvironment(
    { ...deps.environmentDeps, settings: settings() },
    owner,
    inProject.id,
    {
      name,
      type: 'persistent',
      template: 'minimal',
      parameters: {},
      on_failure: 'rollback',
      protected: true,
    },
  );
  await harness.settle(created.operation.id, 'provision');
  return {
    project: inProject,
    environment: must(await deps.environmentDeps.environments.get(created.environment.id), 'env'),
  };
}

/** Resolves once the workflow's waiting task has kept its token (the run reached `AwaitApproval`). */
async function waitingTask(operationId: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const token = await deps.environmentDeps.operations.approvalTokenOf(operationId);
    if (token) return token;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`operation ${operationId} never reached its approval task`);
}

async function records(environmentId: string, operationId: string) {
  const env = must(await deps.environmentDeps.environments.get(environmentId), 'env');
  const operation = must(await deps.environmentDeps.operations.get(operationId), 'operation');
  const stacks = await deps.environmentDeps.stacks.list(environmentId);
  return { env, operation, stacks: Object.fromEntries(stacks.map((s) => [s.name, s.status])) };
}

describe('operations of a protected environment wait for an approval', () => {
  it('a destroy waits with nothing changed, then runs once an Administrator approves it', async () => {
    // Arrange
    const { environment } = await protectedEnvironment('approve-me');
    // Act: request
    const requested = await destroyEnvironment(deps.environmentDeps, owner, environment.id);
    await waitingTask(requested.operation.id);
    // Assert: waiting, nothing changed
    const waiting = await records(environment.id, requested.operation.id);
    expect(waiting.env).toMatchObject({
      status: 'awaiting_approval',
      current_operation_id: requested.operation.id,
    });
    expect(waiting.operation).toMatchObject({
      status: 'awaiting_approval',
      approval: {
        status: 'pending',
        reason: 'destroy of a protected environment',
        previous_status: 'running',
      },
      plan: { summary: 'destroy: delete 8 stacks in 3 layers', monthly_cost_after_usd: 0 },
    });
    expect(Object.values(waiting.stacks)).toEqual(Array(8).fill('provisioned'));
    // Act: approve
    const approved = await approveOperation(deps.approvalDeps, admin, requested.operation.id, 'go ahead');
    const execution = await harness.settle(requested.operation.id, 'destroy');
    // Assert: it ran
    expect(approved.environment.status).toBe('destroying');
    expect(execution.status).toBe('SUCCEEDED');
    const done = await records(environment.id, requested.operation.id);
    expect(done.env.status).toBe('destroyed');
    expect(done.operation).toMatchObject({
      status: 'succeeded',
      approval: {
        status: 'approved',
        answered_by: 'ap-admin',
        answered_by_name: 'Ada Admin',
        comment: 'go ahead',
      },
    });
    expect(Object.values(done.stacks)).toEqual(Array(8).fill('destroyed'));
  });

  it('a rejection ends the operation rejected, the environment back to running, nothing changed', async () => {
    // Arrange
    const { environment } = await protectedEnvironment('reject-me');
    const requested = await destroyEnvironment(deps.environmentDeps, owner, environment.id);
    await waitingTask(requested.operation.id);
    // Act
    await rejectOperation(deps.approvalDeps, admin, requested.operation.id, 'not today');
    const execution = await harness.settle(requested.operation.id, 'destroy');
    // Assert
    expect(execution.status).toBe('SUCCEEDED');
    const after = await records(environment.id, requested.operation.id);
    expect(after.env).toMatchObject({ status: 'running', error: null });
    expect(after.operation).toMatchObject({
      status: 'rejected',
      error: 'Rejected by Ada Admin: not today',
      approval: { status: 'rejected', answered_by: 'ap-admin', comment: 'not today' },
    });
    expect(Object.values(after.stacks)).toEqual(Array(8).fill('provisioned'));
  });

  it('refuses the requester (403), a ReadOnly user (403) and a developer who cannot see it (404); answers twice 409', async () => {
    // Arrange
    const { environment } = await protectedEnvironment('who-answers');
    const requested = await destroyEnvironment(deps.environmentDeps, owner, environment.id);
    await waitingTask(requested.operation.id);
    // Act + Assert
    await expect(
      approveOperation(deps.approvalDeps, owner, requested.operation.id, null),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      approveOperation(deps.approvalDeps, reader, requested.operation.id, null),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      rejectOperation(deps.approvalDeps, otherDeveloper, requested.operation.id, null),
    ).rejects.toBeInstanceOf(NotFoundError);
    await rejectOperation(deps.approvalDeps, admin, requested.operation.id, null);
    await expect(
      approveOperation(deps.approvalDeps, admin, requested.operation.id, null),
    ).rejects.toMatchObject({
      errorCode: 'ILLEGAL_STATE',
      message: `Operation ${requested.operation.id} is rejected: only an operation awaiting approval can be approved or rejected`,
    });
    await harness.settle(requested.operation.id, 'destroy');
  });

  it('a named approver of the project may approve; the policy decides which kinds wait (stop here)', async () => {
    // Arrange
    const project = await harness.project(owner);
    await updateProject(
      deps.projectDeps,
      admin,
      project.id,
      { approval_policy: { operations: ['stop', 'destroy'], approvers: ['ap-other'] } },
      undefined,
    );
    const { environment } = await protectedEnvironment('named', project);
    // Act
    const stop = await stopEnvironment(deps.environmentDeps, owner, environment.id);
    await waitingTask(stop.operation.id);
    const mine = await listApprovals(deps.approvalDeps, otherDeveloper, { limit: 50 });
    await approveOperation(deps.approvalDeps, otherDeveloper, stop.operation.id, null);
    await harness.settle(stop.operation.id, 'stop');
    // Assert
    expect(mine.items.map((i) => i.operation.id)).toEqual([stop.operation.id]);
    expect((await listApprovals(deps.approvalDeps, owner, { limit: 50 })).items).toEqual([]);
    const after = await records(environment.id, stop.operation.id);
    expect(after.env.status).toBe('stopped');
    expect(after.operation).toMatchObject({ status: 'succeeded', approval: { answered_by: 'ap-other' } });
  });

  it('a project owner cannot change the approval policy (403)', async () => {
    // Arrange
    const project = await harness.project(owner);
    // Act + Assert
    await expect(
      updateProject(deps.projectDeps, owner, project.id, { approval_policy: null }, undefined),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('expires when nobody answers in time: the operation ends expired, nothing changed', async () => {
    // Arrange
    const { environment } = await protectedEnvironment('expire-me');
    // Act
    const requested = await destroyEnvironment(
      { ...deps.environmentDeps, settings: settings(1) },
      owner,
      environment.id,
    );
    const execution = await harness.settle(requested.operation.id, 'destroy');
    // Assert
    expect(execution.status).toBe('SUCCEEDED');
    const after = await records(environment.id, requested.operation.id);
    expect(after.env.status).toBe('running');
    expect(after.operation).toMatchObject({ status: 'expired', approval: { status: 'expired' } });
    expect(after.operation.error).toMatch(/^Nobody approved it before .+; nothing was changed$/);
    expect(Object.values(after.stacks)).toEqual(Array(8).fill('provisioned'));
  });

  it('an approval recorded just before the timeout, whose answer found the task gone, still runs the walk', async () => {
    // Arrange: the answer to the task is lost (as SendTaskSuccess is once the task has timed out).
    const { environment } = await protectedEnvironment('approved-at-the-edge');
    const lostAnswers = {
      ...deps.approvalDeps,
      responder: { succeed: async () => false, fail: async () => false },
    };
    const requested = await destroyEnvironment(
      { ...deps.environmentDeps, settings: settings(2) },
      owner,
      environment.id,
    );
    await waitingTask(requested.operation.id);
    // Act: approved within the 2 s; the task then times out and the expiry step meets the approval.
    await approveOperation(lostAnswers, admin, requested.operation.id, null);
    const execution = await harness.settle(requested.operation.id, 'destroy');
    // Assert
    expect(execution.status).toBe('SUCCEEDED');
    const after = await records(environment.id, requested.operation.id);
    expect(after.operation).toMatchObject({
      status: 'succeeded',
      error: null,
      approval: { status: 'approved', answered_by: 'ap-admin' },
    });
    expect(after.env.status).toBe('destroyed');
    expect(Object.values(after.stacks)).toEqual(Array(8).fill('destroyed'));
  });

  it('a cancel while waiting ends it cancelled at once, the environment back to running', async () => {
    // Arrange
    const { environment } = await protectedEnvironment('cancel-me');
    const requested = await destroyEnvironment(deps.environmentDeps, owner, environment.id);
    await waitingTask(requested.operation.id);
    // Act
    const view = await cancelOperation(deps.approvalDeps, owner, requested.operation.id);
    const execution = await harness.settle(requested.operation.id, 'destroy');
    // Assert
    expect(view.operation.status).toBe('cancelled');
    expect(execution.status).toBe('SUCCEEDED');
    const after = await records(environment.id, requested.operation.id);
    expect(after.env.status).toBe('running');
    expect(after.operation).toMatchObject({ status: 'cancelled', approval: { status: 'cancelled' } });
  });

  it('turning protection off waits for approval too, and applies once approved', async () => {
    // Arrange
    const { environment } = await protectedEnvironment('unprotect');
    // Act
    const change = await updateEnvironment(
      deps.environmentDeps,
      owner,
      environment.id,
      { protected: false },
      undefined,
    );
    const operationId = must(change.operation, 'operation').id;
    await waitingTask(operationId);
    const waiting = await records(environment.id, operationId);
    await approveOperation(deps.approvalDeps, admin, operationId, null);
    await harness.settle(operationId, 'update');
    // Assert
    expect(waiting.env.protected).toBe(true);
    expect(waiting.operation.plan).toMatchObject({ changes: [{ name: 'protected', from: true, to: false }] });
    const after = await records(environment.id, operationId);
    expect(after.env).toMatchObject({ status: 'running', protected: false });
    expect(after.operation.status).toBe('succeeded');
  });

  it('an ephemeral environment cannot be protected (422)', async () => {
    // Arrange
    const project = await harness.project(owner);
    // Act + Assert
    await expect(
      createEnvironment({ ...deps.environmentDeps, settings: settings() }, owner, project.id, {
        name: 'ephemeral-protected',
        type: 'ephemeral',
        template: 'minimal',
        parameters: {},
        on_failure: 'rollback',
        protected: true,
      }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
