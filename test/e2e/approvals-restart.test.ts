/**
 * An operation waiting for its approval survives a restart of local mode (`npm start`'s
 * process, stopped and started again on the same data): the re-run execution waits again, and
 * the approval given after the restart reaches it (docs/decisions.md §42, §43).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_PASSWORD } from '../../local/cognito/seed-data.ts';
import { Client } from './support.ts';

const mainPath = fileURLToPath(new URL('../../local/main.ts', import.meta.url));
const running: ChildProcess[] = [];

/** `npm start` on an ephemeral port and `dataDir`; resolves with its base URL once it serves. */
async function startLocalMode(dataDir: string): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn(process.execPath, [mainPath], {
    env: {
      ...process.env,
      PORT: '0',
      LOCAL_DATA_DIR: dataDir,
      SIMULATION_TIME_SCALE: '0',
      SWEEP_INTERVAL_SECONDS: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local mode did not start:\n${output}`)), 90_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /at (http:\/\/localhost:\d+\/v1)/.exec(output);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`local mode exited (${code}):\n${output}`)));
  });
  return { child, baseUrl };
}

async function stopLocalMode(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

afterAll(async () => {
  for (const child of running) await stopLocalMode(child);
});

describe('an operation waiting for approval across a restart of local mode', () => {
  it('still waits after the restart, and the approval given afterwards runs it', async () => {
    // Arrange: a protected environment and its destroy, waiting
    const dataDir = await mkdtemp(join(tmpdir(), 'approvals-restart-'));
    try {
      const first = await startLocalMode(dataDir);
      const api = new Client(first.baseUrl);
      const developerToken = (await api.login('developer@example.com', LOCAL_PASSWORD)).id_token;
      const developer = new Client(first.baseUrl, () => developerToken);
      const project = await developer.call('POST', '/projects', { body: { name: 'restart' } });
      const created = await developer.call('POST', `/projects/${String(project.body.id)}/environments`, {
        body: { name: 'restarted', type: 'persistent', template: 'minimal', protected: true },
      });
      const envId = String(created.body.id);
      await developer.waitForStatus(envId, 'running');
      const requested = await developer.call('DELETE', `/environments/${envId}`);
      const opId = String((requested.body.operation as { id: string }).id);
      // Act: restart while it waits, then approve
      await stopLocalMode(first.child);
      const second = await startLocalMode(dataDir);
      const again = new Client(second.baseUrl);
      const developerAfter = new Client(second.baseUrl, () => afterToken);
      const afterToken = (await again.login('developer@example.com', LOCAL_PASSWORD)).id_token;
      const adminToken = (await again.login('admin@example.com', LOCAL_PASSWORD)).id_token;
      const admin = new Client(second.baseUrl, () => adminToken);
      const waiting = await developerAfter.call('GET', `/operations/${opId}`);
      const approved = await admin.call('POST', `/operations/${opId}/approve`, {
        body: { comment: 'after restart' },
      });
      await developerAfter.waitForStatus(envId, 'destroyed');
      const done = await developerAfter.call('GET', `/operations/${opId}`);
      // Assert
      expect(requested.status).toBe(202);
      expect(waiting.body.status).toBe('awaiting_approval');
      expect(approved.status).toBe(202);
      expect(done.body).toMatchObject({
        status: 'succeeded',
        approval: { status: 'approved', comment: 'after restart' },
      });
    } finally {
      for (const child of running) await stopLocalMode(child);
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
