import { describe, expect, it } from 'vitest';
import {
  layerStartedLogs,
  operationLogs,
  stackFailedLogs,
  stackProvisionedLogs,
  stackSkippedLogs,
  stackStartedLogs,
} from '../../../functions/domain/logs.ts';
import type { LogRecord } from '../../../functions/domain/model.ts';
import {
  endEvent,
  eventOfLog,
  isLogId,
  progressEvent,
  reconnectEvent,
  resumePoint,
} from '../../../functions/domain/run-events.ts';

const ENV_ID = 'env_01jd8x3k5m7n9p1q3r5s7t9v1w';
const OP_ID = 'op_01jd8x3k5m7n9p1q3r5s7t9v1w';
const AT = '2026-11-22T10:00:00.000Z';
const ID_1 = '2026-11-22T10:00:00.000Z#01jd8x3k5m7n9p1q3r5s7t9v1w';
const ID_2 = '2026-11-22T10:00:00.000Z#01jd8x3k5m7n9p1q3r5s7t9v1x';

const only = (logs: LogRecord[]): LogRecord => {
  const [first] = logs;
  if (!first || logs.length !== 1) throw new Error('expected one line');
  return first;
};

describe('eventOfLog', () => {
  it('types the operation’s start line', () => {
    // Arrange
    const log = only(operationLogs(ENV_ID, OP_ID, 'provision', 'started', AT));

    // Act
    const event = eventOfLog({ id: ID_1, log });

    // Assert
    expect(event).toEqual({
      id: ID_1,
      type: 'operation.started',
      data: {
        operation_id: OP_ID,
        kind: 'provision',
        line: {
          timestamp: AT,
          level: 'INFO',
          stack: null,
          message: `Operation ${OP_ID} (provision) started`,
        },
      },
    });
  });

  it('types a layer’s start in the walk and in a rollback, with the stacks that run in it', () => {
    // Arrange
    const walk = only(layerStartedLogs(ENV_ID, OP_ID, 2, ['database', 'cache'], false, AT));
    const rollback = only(layerStartedLogs(ENV_ID, OP_ID, 1, ['network'], true, AT));

    // Act
    const events = [walk, rollback].map((log) => eventOfLog({ id: ID_1, log }));

    // Assert
    expect(events).toEqual([
      {
        id: ID_1,
        type: 'layer.started',
        data: {
          layer: 2,
          phase: 'walk',
          stacks: ['database', 'cache'],
          line: { timestamp: AT, level: 'INFO', stack: null, message: 'Layer 2 started: database, cache' },
        },
      },
      {
        id: ID_1,
        type: 'layer.started',
        data: {
          layer: 1,
          phase: 'rollback',
          stacks: ['network'],
          line: {
            timestamp: AT,
            level: 'INFO',
            stack: null,
            message: 'Rollback of layer 1 started: network',
          },
        },
      },
    ]);
  });

  it('leaves a stack’s line that reads like a layer’s start a plain log line', () => {
    // Arrange
    const log = { ...only(layerStartedLogs(ENV_ID, OP_ID, 2, ['database'], false, AT)), stack: 'database' };

    // Act
    const event = eventOfLog({ id: ID_1, log });

    // Assert
    expect(event.type).toBe('log');
  });

  it('types a stack’s start, finish (with its resource count), failure and skip', () => {
    // Arrange
    const started = only(stackStartedLogs(ENV_ID, OP_ID, 'network', 'provision', AT));
    const finished = stackProvisionedLogs(ENV_ID, OP_ID, 'network', [], AT).at(-1) as LogRecord;
    const failed = only(stackFailedLogs(ENV_ID, OP_ID, 'database', 'Simulated failure', AT));
    const skipped = only(stackSkippedLogs(ENV_ID, OP_ID, 'services-api', 'database failed', AT));

    // Act
    const events = [started, finished, failed, skipped].map((log) => eventOfLog({ id: ID_1, log }));

    // Assert
    expect(events.map((e) => [e.type, { ...e.data, line: undefined }])).toEqual([
      ['stack.started', { stack: 'network', line: undefined }],
      ['stack.finished', { stack: 'network', action: 'provisioned', resources: 0, line: undefined }],
      ['stack.failed', { stack: 'database', error: 'Simulated failure', line: undefined }],
      ['stack.skipped', { stack: 'services-api', reason: 'database failed', line: undefined }],
    ]);
  });

  it('counts a finished stack’s resources', () => {
    // Arrange
    const resource = {
      type: 'AWS::EC2::VPC',
      logical_id: 'Vpc',
      id: 'vpc-1',
      arn: '',
      properties: {},
      monthly_cost_usd: 0,
    };
    const finished = stackProvisionedLogs(ENV_ID, OP_ID, 'network', [resource, resource], AT).at(
      -1,
    ) as LogRecord;

    // Act
    const event = eventOfLog({ id: ID_1, log: finished });

    // Assert
    expect(event.data.resources).toBe(2);
  });

  it('keeps any other line as a plain log event', () => {
    // Arrange
    const log = only(operationLogs(ENV_ID, OP_ID, 'provision', 'failed', AT, 'database failed'));

    // Act
    const event = eventOfLog({ id: ID_2, log });

    // Assert
    expect(event).toEqual({
      id: ID_2,
      type: 'log',
      data: {
        line: {
          timestamp: AT,
          level: 'ERROR',
          stack: null,
          message: `Operation ${OP_ID} (provision) failed: database failed`,
        },
      },
    });
  });
});

describe('event ids', () => {
  it('sort a line’s progress and end after it and before the next line', () => {
    // Arrange
    const ids = [ID_1, progressEvent(ID_1, {}).id, endEvent(ID_1, {}).id, ID_2];

    // Act
    const sorted = [...ids].sort();

    // Assert
    expect(sorted).toEqual([ID_1, `${ID_1}.p`, `${ID_1}.z`, ID_2]);
  });

  it('resume after the line an id names, and know when the end was seen', () => {
    // Arrange, Act, Assert
    expect(resumePoint(ID_1)).toEqual({ afterLogId: ID_1, ended: false });
    expect(resumePoint(`${ID_1}.p`)).toEqual({ afterLogId: ID_1, ended: false });
    expect(resumePoint(`${ID_1}.z`)).toEqual({ afterLogId: ID_1, ended: true });
  });

  it('ignore an id the stream never sent', () => {
    // Arrange, Act, Assert
    expect(resumePoint(undefined)).toBeUndefined();
    expect(resumePoint('42')).toBeUndefined();
    expect(resumePoint(`${ID_1}.x`)).toBeUndefined();
    expect(isLogId(ID_1)).toBe(true);
    expect(isLogId(`${ID_1}.p`)).toBe(false);
  });

  it('give the reconnect event no id, so the client keeps its last real one', () => {
    // Arrange, Act, Assert
    expect(reconnectEvent(1000)).toEqual({ id: '', type: 'reconnect', data: { retry_ms: 1000 } });
  });
});
