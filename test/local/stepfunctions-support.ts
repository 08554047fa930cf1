/**
 * Instances of the local Step Functions for a test file, each with an `@aws-sdk/client-sfn`
 * client on its endpoint, and temporary directories; all stopped or removed by the hooks this
 * registers (clients and instances after each test, directories after the file).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, afterEach } from 'vitest';
import {
  createLocalStepFunctions,
  type LocalStepFunctions,
  type LocalStepFunctionsOptions,
} from '../../local/stepfunctions.ts';

export function useLocalStepFunctions(prefix: string) {
  const started: LocalStepFunctions[] = [];
  const clients: SFNClient[] = [];
  const tempDirs: string[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    for (const sfn of started.splice(0)) await sfn.stop();
  });
  afterAll(async () => {
    for (const sfn of started.splice(0)) await sfn.stop();
    for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  return {
    /** A quiet instance with `options`, and a client on its endpoint. */
    async start(options: LocalStepFunctionsOptions): Promise<{ sfn: LocalStepFunctions; client: SFNClient }> {
      const sfn = await createLocalStepFunctions({ quiet: true, ...options });
      started.push(sfn);
      const client = new SFNClient({
        endpoint: sfn.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      clients.push(client);
      return { sfn, client };
    },
    /** A new temporary directory, removed after the file. */
    async tempDir(): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
      tempDirs.push(dir);
      return dir;
    },
  };
}
