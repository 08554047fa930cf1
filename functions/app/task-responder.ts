/**
 * Answers the workflow task that waits for an approval (`.waitForTaskToken`) with
 * SendTaskSuccess or SendTaskFailure. A task that no longer waits (it timed out, its execution
 * was stopped or ended, the token is stale) is not an error of the caller's: false.
 */
import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { TaskResponder } from '../domain/ports.ts';
import { stepFunctions as sfn } from '../platform/clients.ts';

function taskGone(error: unknown): boolean {
  return error instanceof TaskTimedOut || error instanceof TaskDoesNotExist || error instanceof InvalidToken;
}

export class StepFunctionsTaskResponder implements TaskResponder {
  async succeed(token: string, output: Record<string, unknown>): Promise<boolean> {
    try {
      await sfn().send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
      return true;
    } catch (error) {
      if (taskGone(error)) return false;
      throw error;
    }
  }

  async fail(token: string, error: string, cause: string): Promise<boolean> {
    try {
      await sfn().send(new SendTaskFailureCommand({ taskToken: token, error, cause }));
      return true;
    } catch (caught) {
      if (taskGone(caught)) return false;
      throw caught;
    }
  }
}
