import { describe, expect, it } from 'vitest';
import {
  detailTypeOf,
  environmentStatusEvents,
  hourOf,
  metricDeltas,
  operationBeganEvents,
  operationEndedEvents,
} from '../../../functions/domain/lifecycle-events.ts';
import type { EnvironmentRecord, OperationRecord } from '../../../functions/domain/model.ts';

const AT = '2026-11-22T10:00:00.000Z';
const environment = {
  id: 'env_1',
  project_id: 'prj_1',
  owner_id: 'owner',
  name: 'preview',
  status: 'provisioning',
  error: null,
  base_url: null,
} as unknown as EnvironmentRecord;
const operation = {
  id: 'op_1',
  kind: 'provision',
  attempt: 1,
  requested_by: 'owner',
  reason: null,
  started_at: AT,
} as unknown as OperationRecord;

describe('event titles', () => {
  it('are the EventBridge detail-types', () => {
    expect(detailTypeOf('environment.running')).toBe('Environment Running');
    expect(detailTypeOf('deployment.rolled_back')).toBe('Deployment Rolled Back');
    expect(detailTypeOf('environment.drift_detected')).toBe('Drift Detected');
  });
});

describe('events of an operation', () => {
  it('begin with the status change and the start', () => {
    const events = operationBeganEvents(environment, null, operation);
    expect(events.map((e) => e.type)).toEqual(['environment.provisioning', 'operation.started']);
    expect(events[0]?.detail).toMatchObject({ status: 'provisioning', previous_status: null });
    expect(events[1]?.detail).toMatchObject({ kind: 'provision', attempt: 1 });
    expect(events.every((e) => e.operation_id === 'op_1' && e.owner_id === 'owner')).toBe(true);
  });

  it('end with the finish (and its duration), then the new status with its error', () => {
    const events = operationEndedEvents(environment, operation, {
      operationStatus: 'failed',
      environmentStatus: 'failed',
      error: 'Stack database-rds failed',
      at: '2026-11-22T10:01:30.000Z',
    });
    expect(events.map((e) => e.type)).toEqual(['operation.finished', 'environment.failed']);
    expect(events[0]?.detail).toMatchObject({ status: 'failed', duration_seconds: 90 });
    expect(events[1]?.detail).toMatchObject({
      previous_status: 'provisioning',
      error: 'Stack database-rds failed',
    });
  });

  it('say nothing about a status that did not change', () => {
    expect(environmentStatusEvents(environment, 'provisioning', AT, null)).toEqual([]);
  });
});

describe('metric deltas', () => {
  it('move the status counts and count operations, provisioning time and deployments', () => {
    const [finished, running] = operationEndedEvents(environment, operation, {
      operationStatus: 'succeeded',
      environmentStatus: 'running',
      error: null,
      at: '2026-11-22T10:00:40.000Z',
    });
    expect(metricDeltas(running as never).statuses).toEqual({ running: 1, provisioning: -1 });
    expect(metricDeltas(finished as never).hourly).toEqual({
      operations_succeeded: 1,
      provisions_succeeded: 1,
      provisioning_seconds: 40,
    });
    const [began] = operationBeganEvents(environment, null, operation);
    expect(metricDeltas(began as never).statuses).toEqual({ provisioning: 1 });
    expect(hourOf(AT)).toBe('2026-11-22T10');
  });
});
