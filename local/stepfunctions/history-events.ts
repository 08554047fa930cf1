/**
 * GetExecutionHistory's events, from the event log aws-local-stepfunctions keeps of a run.
 */
import type { ExecutionEvent } from './api.ts';

/** Maps an aws-local-stepfunctions event to a GetExecutionHistory event (the common fields only). */
export function historyEvent(event: ExecutionEvent, id: number): Record<string, unknown> {
  const base: Record<string, unknown> = { id, previousEventId: id - 1, timestamp: event.timestamp / 1000 };
  switch (event.type) {
    case 'ExecutionStarted':
      return {
        ...base,
        type: 'ExecutionStarted',
        executionStartedEventDetails: { input: JSON.stringify(event.input) },
      };
    case 'ExecutionSucceeded':
      return {
        ...base,
        type: 'ExecutionSucceeded',
        executionSucceededEventDetails: { output: JSON.stringify(event.output) },
      };
    case 'ExecutionFailed':
      return {
        ...base,
        type: 'ExecutionFailed',
        executionFailedEventDetails: { error: event.Error, cause: String(event.Cause) },
      };
    case 'ExecutionAborted':
      return { ...base, type: 'ExecutionAborted', executionAbortedEventDetails: {} };
    case 'ExecutionTimeout':
      return { ...base, type: 'ExecutionTimedOut', executionTimedOutEventDetails: {} };
    case 'StateEntered':
      return {
        ...base,
        type: `${event.state.type}StateEntered`,
        stateEnteredEventDetails: { name: event.state.name, input: JSON.stringify(event.state.input) },
      };
    case 'StateExited':
      return {
        ...base,
        type: `${event.state.type}StateExited`,
        stateExitedEventDetails: {
          name: event.state.name,
          output: JSON.stringify(event.state.output ?? null),
        },
      };
    case 'StateFailed':
      return event.state.type === 'Task'
        ? {
            ...base,
            type: 'TaskFailed',
            taskFailedEventDetails: {
              error: event.Error,
              cause: String(event.Cause),
              resourceType: 'lambda',
              resource: 'invoke',
            },
          }
        : { ...base, type: `${event.state.type}StateFailed` };
    case 'MapIterationStarted':
      return {
        ...base,
        type: event.type,
        mapIterationStartedEventDetails: { name: event.parentState.name, index: event.index },
      };
    case 'MapIterationSucceeded':
      return {
        ...base,
        type: event.type,
        mapIterationSucceededEventDetails: { name: event.parentState.name, index: event.index },
      };
    case 'MapIterationFailed':
      return {
        ...base,
        type: event.type,
        mapIterationFailedEventDetails: { name: event.parentState.name, index: event.index },
      };
    default:
      return { ...base, type: event.type };
  }
}
