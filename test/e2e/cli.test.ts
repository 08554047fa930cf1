/**
 * envctl as a child process against local mode: login (file modes), whoami, projects, env
 * create --watch (NDJSON and plain text), env get, ops list, logs, and the exit codes
 * 2 (usage), 3 (not logged in), 4 (not found) and 5 (a run that fails).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_PASSWORD } from '../../local/cognito/seed-data.ts';
import { jsonLines as lines, useEnvctl } from './cli-support.ts';
import { useLocalMode } from './support.ts';

const local = useLocalMode();
const { config, run: runEnvctl } = useEnvctl(local);
const run = (args: string[], xdg?: string) => runEnvctl(args, xdg === undefined ? {} : { xdg });

describe('envctl', () => {
  it('answers 3 with no stored login, 2 on a usage error', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'envctl-empty-'));
    const whoami = await run(['whoami'], empty);
    const usage = await run(['env', 'create', 'payments']);
    rmSync(empty, { recursive: true, force: true });
    expect(whoami).toMatchObject({
      code: 3,
      stdout: '',
      stderr: 'envctl: Not logged in: run envctl login\n',
    });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("error: required option '--name <name>' not specified");
  });

  it('logs in (directory 0700, file 0600) and says who the user is', async () => {
    const login = await run(['login', '--email', 'developer@example.com', '--password', LOCAL_PASSWORD]);
    expect(login).toMatchObject({ code: 0, stdout: 'Logged in as developer@example.com\n' });
    expect(statSync(join(config, 'envctl')).mode & 0o777).toBe(0o700);
    const file = join(config, 'envctl', 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8'))).sort()).toEqual([
      'api_url',
      'email',
      'id_token',
      'refresh_token',
    ]);
    const whoami = await run(['-o', 'json', 'whoami']);
    expect(whoami.code).toBe(0);
    expect(JSON.parse(whoami.stdout)).toMatchObject({ email: 'developer@example.com', role: 'Developers' });
  });

  it('creates, lists and gets a project by name', async () => {
    const created = await run(['-o', 'json', 'projects', 'create', 'cli-project']);
    expect(created.code).toBe(0);
    const project = JSON.parse(created.stdout) as { id: string; name: string };
    expect(project.name).toBe('cli-project');
    const list = await run(['-o', 'json', 'projects', 'list']);
    expect((JSON.parse(list.stdout) as { id: string }[]).map((p) => p.id)).toContain(project.id);
    const got = await run(['-o', 'json', 'projects', 'get', 'cli-project']);
    expect(JSON.parse(got.stdout)).toMatchObject({
      id: project.id,
      name: 'cli-project',
      live_environments: 0,
    });
  });

  it('creates an environment with --watch -o json: NDJSON ending succeeded; env get, ops list, logs', async () => {
    const create = await run([
      '-o',
      'json',
      'env',
      'create',
      'cli-project',
      '--name',
      'cli-json',
      '--template',
      'default',
      '--account',
      '400000000001',
      '--watch',
    ]);
    expect(create.code, create.stderr).toBe(0);
    const events = lines(create.stdout);
    // One line per stream event: the operation's start first, its end last.
    expect(events[0]).toMatchObject({ type: 'operation.started', data: { kind: 'provision' } });
    expect(events.at(-1)).toMatchObject({ type: 'end', data: { status: 'succeeded', error: null } });
    const provisioned = events
      .filter((e) => e.type === 'stack.finished')
      .map((e) => (e.data as { stack: string; action: string }).stack);
    expect(new Set(provisioned).size).toBe(16);

    const env = await run(['-o', 'json', 'env', 'get', 'cli-json']);
    expect(JSON.parse(env.stdout)).toMatchObject({ name: 'cli-json', status: 'running' });
    const ops = await run(['-o', 'json', 'ops', 'list', 'cli-json']);
    expect((JSON.parse(ops.stdout) as object[])[0]).toMatchObject({ kind: 'provision', status: 'succeeded' });
    const logs = await run(['logs', 'cli-json', '--stack', 'network']);
    expect(logs.code).toBe(0);
    expect(
      logs.stdout
        .trim()
        .split('\n')
        .every((l) => l.includes(' [network] ')),
    ).toBe(true);
  });

  it('watches in plain text when stdout is not a terminal: no escape bytes, one line per layer', async () => {
    const create = await run([
      'env',
      'create',
      'cli-project',
      '--name',
      'cli-text',
      '--template',
      'default',
      '--account',
      '400000000002',
      '--watch',
    ]);
    expect(create.code, create.stderr).toBe(0);
    expect(create.stdout).not.toContain('\u001b');
    expect(create.stdout).toMatch(/Layer 1/);
    expect(create.stdout).toMatch(/network: provisioned/);
    // The summary: the run, then the environment's outputs, one `stack.key = value` line each.
    expect(create.stdout).toMatch(/operation op_[0-9a-z]{26}: succeeded\noutputs:\n( {2}\S+ = .*\n)+$/);
    expect(create.stdout).toMatch(/\n {2}network\.vpc_id = vpc-[0-9a-f]{17}\n/);
  });

  it('answers 4 for an unknown environment and 5 when the run fails', async () => {
    const unknown = await run(['env', 'get', 'no-such-env']);
    expect(unknown).toMatchObject({ code: 4, stderr: 'envctl: No environment named no-such-env\n' });
    const failing = await run([
      'env',
      'create',
      'cli-project',
      '--name',
      'cli-fail',
      '--template',
      'default',
      '--account',
      '400000000003',
      '--on-failure',
      'keep',
      '--param',
      'simulate.fail_stacks=["security"]',
      '--watch',
    ]);
    expect(failing.code).toBe(5);
    expect(failing.stdout).toMatch(/failed stacks: security/);
    // listr2's plain renderer reports the failed stack on stderr, then envctl says how the run ended.
    expect(failing.stderr).toMatch(/security: failed .*\nenvctl: The operation ended failed\n$/);
  });
});
