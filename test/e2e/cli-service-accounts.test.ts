/**
 * envctl's service accounts as child processes against local mode (docs/decisions.md §44): a
 * developer creates one (secret printed once), a pipeline logs in with `--service-account
 * --password-stdin` (or ENVCTL_SERVICE_ACCOUNT_SECRET) and creates and destroys an environment
 * in the project; rotate and delete end the old secret.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Result, useEnvctl } from './cli-support.ts';
import { useLocalMode } from './support.ts';

const local = useLocalMode();
const { run, login } = useEnvctl(local);
const pipeline = mkdtempSync(join(tmpdir(), 'envctl-sa-'));
afterAll(() => rmSync(pipeline, { recursive: true, force: true }));

type Json = Record<string, unknown>;
const parse = (result: Result): Json => {
  expect(result, result.stderr).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout) as Json;
};
const ACCOUNT = [
  'created_at',
  'created_by',
  'expires_at',
  'id',
  'name',
  'project_id',
  'role',
  'rotated_at',
  'username',
];

const shared = { account: {} as Json, secret: '' };

describe('envctl service-accounts and login --service-account', () => {
  it('creates one (-o json has the secret, once; the reminder goes to stderr) and lists it without', async () => {
    // Arrange
    await login();
    parse(await run(['-o', 'json', 'projects', 'create', 'ci-project']));
    // Act
    const created = await run([
      '-o',
      'json',
      'service-accounts',
      'create',
      'github-actions',
      '--project',
      'ci-project',
      '--role',
      'deployer',
      '--expires-in-days',
      '30',
    ]);
    const listed = await run(['service-accounts', 'list', '--project', 'ci-project']);
    // Assert
    const account = parse(created);
    expect(Object.keys(account).sort()).toEqual([...ACCOUNT, 'secret'].sort());
    expect(created.stderr).toBe('The secret is shown only now: store it in your pipeline’s secrets.\n');
    expect(account).toMatchObject({ name: 'github-actions', role: 'deployer' });
    shared.account = account;
    shared.secret = String(account.secret);
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/^ID +NAME +ROLE +USERNAME +EXPIRES$/);
    expect(listed.stdout).toContain(String(account.username));
    expect(listed.stdout).not.toContain(shared.secret);
  });

  it('lets the pipeline log in with --password-stdin and create, then destroy, a preview environment', async () => {
    // Act
    const loggedIn = await run(
      ['login', '--service-account', String(shared.account.username), '--password-stdin'],
      {
        xdg: pipeline,
        input: `${shared.secret}\n`,
      },
    );
    const whoami = await run(['whoami'], { xdg: pipeline });
    const created = await run(
      [
        'env',
        'create',
        'ci-project',
        '--name',
        'pr-7',
        '--template',
        'minimal',
        '--type',
        'ephemeral',
        '--watch',
      ],
      { xdg: pipeline },
    );
    const destroyed = await run(['env', 'delete', 'pr-7', '--watch'], { xdg: pipeline });
    const noProjects = await run(['projects', 'create', 'not-allowed'], { xdg: pipeline });
    // Assert
    expect(loggedIn).toMatchObject({ code: 0, stdout: `Logged in as ${shared.account.username}\n` });
    expect(whoami.stdout).toMatch(
      new RegExp(
        `^email: ${String(shared.account.username).replaceAll('.', '\\.')}\nuser_id: \\S+\nrole: Developers\nservice_account: deployer of ${shared.account.project_id}\n$`,
      ),
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('succeeded');
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(noProjects.code).toBe(1);
    expect(noProjects.stderr).toContain('A service account cannot create projects');
  });

  it('rotates: the old secret is refused (exit 3), the new one works from ENVCTL_SERVICE_ACCOUNT_SECRET', async () => {
    // Act
    const rotated = parse(
      await run([
        '-o',
        'json',
        'service-accounts',
        'rotate',
        String(shared.account.id),
        '--project',
        'ci-project',
      ]),
    );
    const old = await run(
      ['login', '--service-account', String(shared.account.username), '--password-stdin'],
      {
        xdg: pipeline,
        input: shared.secret,
      },
    );
    const fresh = await run(['login', '--service-account', String(shared.account.username)], {
      xdg: pipeline,
      env: { ENVCTL_SERVICE_ACCOUNT_SECRET: String(rotated.secret) },
    });
    const noSecret = await run(['login', '--service-account', String(shared.account.username)], {
      xdg: pipeline,
    });
    // Assert
    expect(rotated.secret).not.toBe(shared.secret);
    expect(old.code).toBe(3);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(noSecret.code).toBe(2);
    shared.secret = String(rotated.secret);
  });

  it('deletes: the account can no longer log in (exit 3)', async () => {
    // Act
    const deleted = await run([
      'service-accounts',
      'delete',
      String(shared.account.id),
      '--project',
      'ci-project',
    ]);
    const login = await run(
      ['login', '--service-account', String(shared.account.username), '--password-stdin'],
      {
        xdg: pipeline,
        input: shared.secret,
      },
    );
    // Assert
    expect(deleted).toMatchObject({ code: 0, stdout: `Deleted ${shared.account.id}\n` });
    expect(login.code).toBe(3);
  });
});
