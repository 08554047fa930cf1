/**
 * Runs the README's curl walk-through, word for word, against local mode: the commands
 * between the `walkthrough:start` and `walkthrough:end` markers, with only the port
 * changed (the test runtime listens on a free one).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocal } from '../../local/runtime.ts';

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocal({ port: 0, persist: false, timeScale: 0, quiet: true });
});

afterAll(async () => {
  await runtime?.stop();
});

/**
 * Runs a bash script without blocking this process: the local runtime that answers the
 * script's curl calls lives in the same event loop.
 */
function runBash(
  script: string,
  timeoutMs: number,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function walkthroughScript(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = /<!-- walkthrough:start -->([\s\S]*?)<!-- walkthrough:end -->/.exec(readme)?.[1] ?? '';
  const blocks = [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.join('\n');
}

describe('the README walk-through', () => {
  it('works verbatim against npm start', async () => {
    // Arrange
    const script = walkthroughScript().replaceAll('http://localhost:3000/v1', runtime.baseUrl);
    expect(script).toContain('curl');
    // Act
    const run = await runBash(script, 120_000);
    // Assert
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = run.stdout;
    expect(out).toContain('"status":"provisioning"');
    expect(out).toMatch(
      /"status":"running","progress":\{"layer":5,"layers":5,"stacks_done":16,"stacks":16\}/,
    );
    expect(out).toMatch(/"base_url": "https:\/\/preview-pr-123-/);
    expect(out).toContain('"name":"database-rds","layer":3,"status":"provisioned"');
    expect(out).toContain('"vpc_id": "vpc-');
    expect(out).toContain('"status": "destroying"');
    expect(out).toContain('["destroyed"]');
    expect(out).toContain('"error_code": "FORBIDDEN"');
    expect(out).toContain('"field": "body.parameters.instance_type"');
    expect(out).toContain('"error_code": "UNAUTHORIZED"');
  });
});
