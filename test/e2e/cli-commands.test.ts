/**
 * Every envctl command as a child process against local mode (the login, exit codes 2–5 and the
 * watch views of `env create` are in cli.test.ts): `--help` everywhere (all 37 commands); `login --password-stdin`;
 * projects get/delete (refused while it has environments); env list filters and `--limit`; env
 * get by name and id; the plan tables of create, update and delete; update, stop, start and
 * delete with `--watch`; ops get, cancel (exit 5 when watched) and retry; deploy; and the exact
 * fields of each command's `-o json`. One project and one `minimal` environment are shared;
 * every Wait lasts 150 ms so a provision can be cancelled in flight.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_PASSWORD } from '../../local/cognito/seed-data.ts';
import { jsonLines, type Result, useEnvctl } from './cli-support.ts';
import { useLocalMode } from './support.ts';

const local = useLocalMode({ waitOverrideMs: 150 });
const { run } = useEnvctl(local);
const json = (args: string[]) => run(['-o', 'json', ...args]);

type Json = Record<string, unknown>;
const parse = (result: Result): Json => {
  expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as Json;
};
const keys = (value: unknown) => Object.keys(value as object).sort();

const PROJECT = [
  'approval_policy',
  'created_at',
  'description',
  'id',
  'live_environments',
  'name',
  'owner_id',
  'updated_at',
  'version',
];
const ENVIRONMENT = [
  'account_id',
  'active_deployment_id',
  'base_url',
  'created_at',
  'created_by',
  'current_operation_id',
  'current_version',
  'drift_check',
  'error',
  'estimated_monthly_cost_usd',
  'expires_at',
  'id',
  'name',
  'next_drift_check_at',
  'on_failure',
  'owner_id',
  'parameters',
  'preview',
  'progress',
  'project_id',
  'protected',
  'region',
  'status',
  'template',
  'ttl_hours',
  'type',
  'updated_at',
  'version',
];
const ACCEPTED = [...ENVIRONMENT, 'operation'].sort();
const OPERATION = [
  'approval',
  'attempt',
  'cancel_requested',
  'environment_id',
  'error',
  'finished_at',
  'id',
  'kind',
  'outcome',
  'plan',
  'progress',
  'reason',
  'requested_by',
  'retry_of',
  'stacks',
  'started_at',
  'status',
  'targets',
];
const PLAN = [
  'action',
  'cost_delta_usd',
  'critical_path',
  'dry_run',
  'environment_id',
  'estimated_monthly_cost_usd',
  'expected_duration_seconds',
  'layers',
  'note',
  'quota',
  'stack_count',
  'template',
];
const DEPLOYMENT = [
  'batches',
  'created_at',
  'environment_id',
  'error',
  'finished_at',
  'id',
  'previous_version',
  'project_id',
  'requested_by',
  'simulate',
  'started_at',
  'status',
  'strategy',
  'version',
];

/** What the tests share, filled in order. */
const shared = { projectId: '', envId: '', flakyOp: '' };

describe('envctl --help', () => {
  it('answers 0 with the usage line of every command', async () => {
    const usages: [string[], string][] = [
      [[], 'envctl [options] [command]'],
      [['login'], 'envctl login [options]'],
      [['logout'], 'envctl logout [options]'],
      [['whoami'], 'envctl whoami [options]'],
      [['projects'], 'envctl projects [options] [command]'],
      [['projects', 'list'], 'envctl projects list [options]'],
      [['projects', 'create'], 'envctl projects create [options] <name>'],
      [['projects', 'get'], 'envctl projects get [options] <project>'],
      [['projects', 'delete'], 'envctl projects delete [options] <project>'],
      [['env'], 'envctl env [options] [command]'],
      [['env', 'create'], 'envctl env create [options] <project>'],
      [['env', 'list'], 'envctl env list [options]'],
      [['env', 'get'], 'envctl env get [options] <env>'],
      [['env', 'delete'], 'envctl env delete [options] <env>'],
      [['env', 'stop'], 'envctl env stop [options] <env>'],
      [['env', 'start'], 'envctl env start [options] <env>'],
      [['env', 'update'], 'envctl env update [options] <env>'],
      [['env', 'watch'], 'envctl env watch [options] <env>'],
      [['ops'], 'envctl ops [options] [command]'],
      [['ops', 'list'], 'envctl ops list [options] <env>'],
      [['ops', 'get'], 'envctl ops get [options] <op>'],
      [['ops', 'cancel'], 'envctl ops cancel [options] <op>'],
      [['ops', 'retry'], 'envctl ops retry [options] <op>'],
      [['ops', 'approve'], 'envctl ops approve [options] <op>'],
      [['ops', 'reject'], 'envctl ops reject [options] <op>'],
      [['approvals'], 'envctl approvals [options]'],
      [['logs'], 'envctl logs [options] <env>'],
      [['deploy'], 'envctl deploy [options] <env> <version>'],
      [['service-accounts'], 'envctl service-accounts [options] [command]'],
      [['service-accounts', 'create'], 'envctl service-accounts create [options] <name>'],
      [['service-accounts', 'list'], 'envctl service-accounts list [options]'],
      [['service-accounts', 'rotate'], 'envctl service-accounts rotate [options] <id>'],
      [['service-accounts', 'delete'], 'envctl service-accounts delete [options] <id>'],
      [['previews'], 'envctl previews [options] [command]'],
      [['previews', 'list'], 'envctl previews list [options]'],
      [['previews', 'configure'], 'envctl previews configure [options]'],
      [['previews', 'secret'], 'envctl previews secret [options]'],
    ];
    const results: Result[] = [];
    // Four at a time: each is a Node start on a shared 2-core machine.
    for (let i = 0; i < usages.length; i += 4) {
      results.push(...(await Promise.all(usages.slice(i, i + 4).map(([cmd]) => run([...cmd, '--help'])))));
    }
    expect(results.map((r) => ({ code: r.code, stderr: r.stderr, usage: r.stdout.split('\n')[0] }))).toEqual(
      usages.map(([, usage]) => ({ code: 0, stderr: '', usage: `Usage: ${usage}` })),
    );
    const list = results[11]?.stdout ?? '';
    expect(list).toMatch(
      / {2}--limit <n> +read at most this many \(every page up to it\) \(default:\s+50\)\n/,
    );
  });
});

describe('envctl commands', () => {
  it('logs in with --password-stdin; --password with it is a usage error', async () => {
    const both = await run([
      'login',
      '--email',
      'developer@example.com',
      '--password',
      'x',
      '--password-stdin',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain(
      "error: option '--password <password>' cannot be used with option '--password-stdin'",
    );
    const noEmail = await run(['login', '--password-stdin'], { input: `${LOCAL_PASSWORD}\n` });
    expect(noEmail).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'envctl: --password-stdin needs --email or --service-account\n',
    });

    const nothing = await run(['login', '--email', 'developer@example.com', '--password-stdin']);
    expect(nothing).toEqual({ code: 2, stdout: '', stderr: 'envctl: --password-stdin read no password\n' });

    const login = await run(['-o', 'json', 'login', '--email', 'developer@example.com', '--password-stdin'], {
      input: `${LOCAL_PASSWORD}\n`,
    });
    expect(parse(login)).toEqual({ email: 'developer@example.com', logged_in: true });
    const me = parse(await json(['whoami']));
    expect(keys(me)).toEqual(['email', 'groups', 'name', 'role', 'user_id']);
    expect(me).toMatchObject({ email: 'developer@example.com', groups: ['Developers'], role: 'Developers' });
  });

  it('creates, gets and deletes projects; a project with environments is not deleted', async () => {
    const created = parse(await json(['projects', 'create', 'cli-cmds', '--description', 'CLI commands']));
    expect(keys(created)).toEqual(PROJECT);
    expect(created).toMatchObject({
      name: 'cli-cmds',
      description: 'CLI commands',
      live_environments: 0,
      version: 1,
    });
    shared.projectId = String(created.id);

    const text = await run(['projects', 'get', 'cli-cmds']);
    expect(text).toEqual({
      code: 0,
      stdout: `id: ${shared.projectId}\nname: cli-cmds\ndescription: CLI commands\nlive_environments: 0\n`,
      stderr: '',
    });
    expect(parse(await json(['projects', 'get', shared.projectId]))).toEqual(created);
    expect(await run(['projects', 'list'])).toEqual({
      code: 0,
      stderr: '',
      stdout: `ID                              NAME      LIVE ENVIRONMENTS\n${shared.projectId}  cli-cmds  0\n`,
    });

    const empty = parse(await json(['projects', 'create', 'cli-empty']));
    const deleted = await run(['projects', 'delete', 'cli-empty']);
    expect(deleted).toEqual({ code: 0, stdout: `Deleted ${String(empty.id)}\n`, stderr: '' });
    expect(await run(['projects', 'get', String(empty.id)])).toMatchObject({ code: 4, stdout: '' });
    expect(await run(['projects', 'delete', 'cli-empty'])).toEqual({
      code: 4,
      stdout: '',
      stderr: 'envctl: No project named cli-empty\n',
    });
    const other = parse(await json(['projects', 'create', 'cli-other']));
    expect(parse(await json(['projects', 'delete', String(other.id)]))).toEqual({
      id: other.id,
      deleted: true,
    });
  });

  it('plans a create, creates without --watch, follows it with ops get --watch', async () => {
    const args = [
      'env',
      'create',
      'cli-cmds',
      '--name',
      'shared',
      '--template',
      'minimal',
      '--account',
      '500000000001',
    ];
    const plan = await run([...args, '--plan']);
    expect(plan).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'LAYER  STACK           CHANGE  COST/MONTH  REASON',
        '1      network         create  $36.50',
        '1      secrets         create  $0.80',
        '2      dns             create  $1.00',
        '2      monitoring      create  $3.10',
        '2      security        create  $8.00',
        '3      compute-lambda  create  $0.00',
        '3      database-rds    create  $14.71',
        '3      storage         create  $0.00',
        '',
        'Plan (create): 8 to create, 0 to replace, 0 to delete; cost delta +$64.11/month',
        '',
      ].join('\n'),
    });
    const planJson = parse(await json([...args, '--plan']));
    expect(keys(planJson)).toEqual(PLAN);
    expect(planJson).toMatchObject({
      action: 'create',
      dry_run: true,
      stack_count: 8,
      cost_delta_usd: 64.11,
    });

    const accepted = parse(await json(args));
    expect(keys(accepted)).toEqual(ACCEPTED);
    expect(keys(accepted.operation)).toEqual(OPERATION);
    expect(accepted).toMatchObject({
      project_id: shared.projectId,
      name: 'shared',
      template: 'minimal',
      status: 'provisioning',
      operation: { kind: 'provision', status: 'running', attempt: 1 },
    });
    shared.envId = String(accepted.id);
    const opId = String((accepted.operation as Json).id);

    const watched = await json(['ops', 'get', opId, '--watch']);
    expect(watched.code, watched.stderr).toBe(0);
    const watchedEvents = jsonLines(watched.stdout);
    expect(watchedEvents[0]).toMatchObject({ type: 'operation.started', data: { operation_id: opId } });
    expect(watchedEvents.at(-1)).toMatchObject({ type: 'end', data: { status: 'succeeded', error: null } });
    const op = parse(await json(['ops', 'get', opId]));
    expect(keys(op)).toEqual(OPERATION);
    expect(op).toMatchObject({
      id: opId,
      environment_id: shared.envId,
      kind: 'provision',
      status: 'succeeded',
    });
    expect(await run(['ops', 'get', opId])).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        `id: ${opId}`,
        'kind: provision',
        'status: succeeded',
        'error: ',
        'LAYER  STACK           STATUS',
        '1      network         provisioned',
        '1      secrets         provisioned',
        '2      dns             provisioned',
        '2      monitoring      provisioned',
        '2      security        provisioned',
        '3      compute-lambda  provisioned',
        '3      database-rds    provisioned',
        '3      storage         provisioned',
        '',
      ].join('\n'),
    });

    const refused = await run(['projects', 'delete', 'cli-cmds']);
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: `envctl: Project ${shared.projectId} still has 1 live environment(s); destroy them first (PROJECT_HAS_ENVIRONMENTS)\n`,
    });
  });

  it('gets an environment by name and by id', async () => {
    const byName = parse(await json(['env', 'get', 'shared']));
    expect(keys(byName)).toEqual(ENVIRONMENT);
    expect(byName).toMatchObject({ id: shared.envId, status: 'running', version: 2 });
    expect(parse(await json(['env', 'get', shared.envId]))).toEqual(byName);
    expect(await run(['env', 'get', shared.envId])).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        `id: ${shared.envId}`,
        'name: shared',
        'status: running',
        'template: minimal',
        'progress: layer 3/3, 8/8 stacks',
        `base_url: ${String(byName.base_url)}`,
        `operation: ${String(byName.current_operation_id)}`,
        '',
      ].join('\n'),
    });
  });

  it('plans an update (a replace and the cost delta), then updates with --watch', async () => {
    const param = ['--param', 'db_instance_class=db.t4g.micro'];
    const plan = await run(['env', 'update', 'shared', ...param, '--plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toBe(
      [
        'LAYER  STACK         CHANGE   COST/MONTH  REASON',
        '1      database-rds  replace  $13.98      inputs changed: db_instance_class',
        '',
        'Plan (update): 0 to create, 1 to replace, 0 to delete; cost delta -$0.73/month',
        '',
      ].join('\n'),
    );
    const planJson = parse(await json(['env', 'update', 'shared', ...param, '--plan']));
    expect(keys(planJson)).toEqual(PLAN);
    expect(planJson).toMatchObject({ action: 'update', environment_id: shared.envId, stack_count: 1 });
    expect(plan.stdout).toContain(
      `cost delta -$${Math.abs(Number(planJson.cost_delta_usd)).toFixed(2)}/month`,
    );

    const update = await run(['env', 'update', 'shared', ...param, '--watch']);
    expect(update.code, update.stderr).toBe(0);
    expect(update.stdout).toMatch(new RegExp(`^shared \\(${shared.envId}\\): operation op_[0-9a-z]{26}\\n`));
    expect(update.stdout).toMatch(/database-rds: provisioned/);
    expect(update.stdout).toMatch(/\noperation op_[0-9a-z]{26}: succeeded\noutputs:\n/);
    const env = parse(await json(['env', 'get', 'shared']));
    expect(env).toMatchObject({ status: 'running', parameters: { db_instance_class: 'db.t4g.micro' } });

    // Nothing to change: 200, no operation (text says so).
    expect(await run(['env', 'update', 'shared', ...param])).toEqual({
      code: 0,
      stderr: '',
      stdout: `id: ${shared.envId}\nname: shared\nstatus: running\noperation: none\n`,
    });
  });

  it('stops and starts with --watch', async () => {
    const stop = await run(['env', 'stop', 'shared', '--watch']);
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout).toMatch(/compute-lambda: stopped/);
    expect(stop.stdout).toMatch(/\noperation op_[0-9a-z]{26}: succeeded\n$/);
    expect(parse(await json(['env', 'get', 'shared']))).toMatchObject({ status: 'stopped' });

    const start = await json(['env', 'start', 'shared', '--watch']);
    expect(start.code, start.stderr).toBe(0);
    const events = jsonLines(start.stdout);
    // One line per event of the run's stream (decisions §39): start has no stack.finished, its line says it.
    expect(events[0]).toMatchObject({ type: 'operation.started', data: { kind: 'start' } });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'log',
        data: {
          line: expect.objectContaining({ stack: 'compute-lambda', message: 'Started stack compute-lambda' }),
        },
      }),
    );
    expect(events.at(-1)).toMatchObject({ type: 'end', data: { status: 'succeeded', error: null } });
    expect(parse(await json(['env', 'get', 'shared']))).toMatchObject({ status: 'running' });
  });

  it('deploys with --strategy rolling --watch, and prints a started deployment with -o json', async () => {
    const rolling = await run(['deploy', 'shared', 'v1.0.0', '--strategy', 'rolling', '--watch']);
    expect(rolling.code, rolling.stderr).toBe(0);
    expect(rolling.stdout).toMatch(
      /✔ Batch 1 \(25%\): healthy\n[\s\S]*✔ Batch 2 \(50%\): healthy\n[\s\S]*✔ Batch 3 \(100%\): healthy\ndeployment dep_[0-9a-z]{26}: succeeded\n$/,
    );
    const started = parse(await json(['deploy', 'shared', 'v1.1.0', '--strategy', 'rolling']));
    expect(keys(started)).toEqual(DEPLOYMENT);
    expect(started).toMatchObject({
      environment_id: shared.envId,
      project_id: shared.projectId,
      version: 'v1.1.0',
      strategy: 'rolling',
      previous_version: 'v1.0.0',
      error: null,
    });
    expect((started.batches as Json[]).map((b) => b.percent)).toEqual([25, 50, 100]);
  });

  it('retries a failed provision after fixing its cause: --watch ends succeeded', async () => {
    const failed = await json([
      'env',
      'create',
      'cli-cmds',
      '--name',
      'flaky',
      '--template',
      'minimal',
      '--account',
      '500000000002',
      '--on-failure',
      'keep',
      '--param',
      'simulate.fail_stacks=["security"]',
      '--watch',
    ]);
    expect(failed).toMatchObject({ code: 5, stderr: 'envctl: The operation ended failed\n' });
    const opId = String((jsonLines(failed.stdout)[0]?.data as Json | undefined)?.operation_id);
    shared.flakyOp = opId;

    const ops = await json(['ops', 'list', 'flaky']);
    const list = JSON.parse(ops.stdout) as Json[];
    expect(list.map(keys)).toEqual([OPERATION]);
    expect(list[0]).toMatchObject({ id: opId, kind: 'provision', status: 'failed', attempt: 1 });
    const logs = await json(['logs', 'flaky', '--stack', 'security', '--level', 'ERROR']);
    expect(logs.code, logs.stderr).toBe(0);
    const errors = jsonLines(logs.stdout);
    expect(errors.map(keys)).toEqual(
      errors.map(() => ['deployment_id', 'level', 'message', 'operation_id', 'stack', 'timestamp']),
    );
    expect(errors[0]).toMatchObject({
      level: 'ERROR',
      stack: 'security',
      operation_id: opId,
      deployment_id: null,
    });
    const fixed = parse(await json(['env', 'update', 'flaky', '--param', 'simulate={}']));
    expect(keys(fixed)).toEqual(ACCEPTED);
    expect(fixed).toMatchObject({ status: 'failed', operation: null, parameters: { simulate: {} } });

    const retry = await run(['ops', 'retry', opId, '--watch']);
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stdout).toMatch(/^flaky \(env_[0-9a-z]{26}\): operation op_[0-9a-z]{26}\n/);
    expect(retry.stdout).toMatch(/✔ security: provisioned \(\d+\.\ds\)\n/);
    expect(retry.stdout).toMatch(/\noperation op_[0-9a-z]{26}: succeeded\noutputs:\n/);
    const after = JSON.parse((await json(['ops', 'list', 'flaky'])).stdout) as Json[];
    expect(after.map((o) => [o.attempt, o.status, o.retry_of])).toEqual([
      [2, 'succeeded', opId],
      [1, 'failed', null],
    ]);
    expect(parse(await json(['env', 'get', 'flaky']))).toMatchObject({ status: 'running' });
  });

  it('cancels running provisions: -o json answers the operation; --watch ends cancelled with exit 5', async () => {
    const create = (name: string, account: string) =>
      json(['env', 'create', 'cli-cmds', '--name', name, '--template', 'default', '--account', account]);
    const [a, b] = await Promise.all([
      create('cancel-a', '500000000003'),
      create('cancel-b', '500000000004'),
    ]);
    const opA = String((parse(a).operation as Json).id);
    const opB = String((parse(b).operation as Json).id);

    const [answered, watched] = await Promise.all([
      json(['ops', 'cancel', opA]),
      run(['ops', 'cancel', opB, '--watch']),
    ]);
    const op = parse(answered);
    expect(keys(op)).toEqual(OPERATION);
    expect(op).toMatchObject({ id: opA, status: 'running', cancel_requested: true });
    expect(watched).toMatchObject({ code: 5, stderr: 'envctl: The operation ended cancelled\n' });
    expect(watched.stdout).toMatch(
      new RegExp(
        `\\noperation ${opB}: cancelled\\nerror: Cancelled by request; rolled back \\d+ stack\\(s\\) it created\\n$`,
      ),
    );
    const cancelled = await json(['ops', 'get', opA, '--watch']);
    expect(cancelled.code).toBe(5);
    const cancelledEvents = jsonLines(cancelled.stdout);
    expect(cancelledEvents[0]).toMatchObject({ type: 'operation.started', data: { operation_id: opA } });
    expect(cancelledEvents.at(-1)).toMatchObject({ type: 'end', data: { status: 'cancelled' } });
  });

  it('lists environments by project and status, in a table or JSON, up to --limit', async () => {
    const table = await run(['env', 'list', '--project', 'cli-cmds', '--status', 'running']);
    const flaky = parse(await json(['env', 'get', 'flaky']));
    const pad = (name: string) => name.padEnd(6);
    expect(table).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'ID                              NAME    STATUS   TEMPLATE  PROJECT',
        `${String(flaky.id)}  ${pad('flaky')}  running  minimal   ${shared.projectId}`,
        `${shared.envId}  ${pad('shared')}  running  minimal   ${shared.projectId}`,
        '',
      ].join('\n'),
    });
    const failed = JSON.parse(
      (await json(['env', 'list', '--project', shared.projectId, '--status', 'failed'])).stdout,
    );
    expect((failed as Json[]).map(keys)).toEqual([ENVIRONMENT, ENVIRONMENT]);
    expect((failed as Json[]).map((e) => e.name).sort()).toEqual(['cancel-a', 'cancel-b']);
    expect(await json(['env', 'list', '--status', 'stopped'])).toEqual({
      code: 0,
      stdout: '[]\n',
      stderr: '',
    });

    const limited = await json(['env', 'list', '--project', 'cli-cmds', '--limit', '3']);
    expect((JSON.parse(limited.stdout) as Json[]).length).toBe(3);
    expect(limited.stderr).toBe('environments: showing the first 3; more exist (use --limit to see more)\n');
    const all = await json(['env', 'list', '--project', 'cli-cmds', '--limit', '4']);
    expect({ count: (JSON.parse(all.stdout) as Json[]).length, stderr: all.stderr }).toEqual({
      count: 4,
      stderr: '',
    });

    const bad = await run(['env', 'list', '--status', 'sleeping']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("error: option '--status <status>' argument 'sleeping' is invalid.");
    const zero = await run(['env', 'list', '--limit', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain(
      "error: option '--limit <n>' argument '0' is invalid. a positive integer is expected.",
    );
  });

  it('plans a delete, deletes with --watch (destroyed), and -o json answers the accepted destroy', async () => {
    const plan = await run(['env', 'delete', 'shared', '--plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(
      /^LAYER {2}STACK {11}CHANGE {2}COST\/MONTH {2}REASON\n1 {6}compute-lambda {2}delete /,
    );
    expect(plan.stdout).toMatch(
      /\nPlan \(delete\): 0 to create, 0 to replace, 8 to delete; cost delta -\$\d+\.\d\d\/month\n$/,
    );

    const destroy = await run(['env', 'delete', 'shared', '--watch']);
    expect(destroy.code, destroy.stderr).toBe(0);
    expect(destroy.stdout).toMatch(/✔ network: destroyed/);
    expect(destroy.stdout).toMatch(/\noperation op_[0-9a-z]{26}: succeeded\n$/);
    expect(parse(await json(['env', 'get', shared.envId]))).toMatchObject({ status: 'destroyed' });

    const accepted = parse(await json(['env', 'delete', 'flaky']));
    expect(keys(accepted)).toEqual(ACCEPTED);
    expect(accepted).toMatchObject({
      name: 'flaky',
      status: 'destroying',
      operation: { kind: 'destroy', status: 'running' },
    });
  });

  it('protects an environment: its delete waits; an Administrator lists it (approvals) and approves it (ops approve --watch)', async () => {
    const admin = mkdtempSync(join(tmpdir(), 'envctl-admin-'));
    try {
      const login = await run(['login', '--email', 'admin@example.com', '--password-stdin'], {
        xdg: admin,
        input: `${LOCAL_PASSWORD}\n`,
      });
      expect(login.code, login.stderr).toBe(0);
      const create = await run([
        'env',
        'create',
        'cli-cmds',
        '--name',
        'guarded',
        '--template',
        'minimal',
        '--type',
        'persistent',
        '--protected',
        '--watch',
      ]);
      expect(create.code, create.stderr).toBe(0);

      const requested = await run(['env', 'delete', 'guarded']);
      const opId = /^Operation (op_[0-9a-z]{26}) awaits approval/.exec(requested.stderr)?.[1] ?? '';
      expect(requested.code).toBe(0);
      expect(requested.stderr).toBe(
        `Operation ${opId} awaits approval (destroy of a protected environment) until ${/until (\S+):/.exec(requested.stderr)?.[1]}: an approver runs envctl ops approve ${opId}\n`,
      );
      expect(requested.stdout).toMatch(
        /^id: env_[0-9a-z]{26}\nname: guarded\nstatus: awaiting_approval\noperation: op_/,
      );
      expect(await run(['ops', 'approve', opId])).toEqual({
        code: 1,
        stdout: '',
        stderr: 'envctl: You requested this operation: someone else must approve or reject it (FORBIDDEN)\n',
      });

      const listed = await run(['-o', 'json', 'approvals'], { xdg: admin });
      expect(listed.code, listed.stderr).toBe(0);
      const items = JSON.parse(listed.stdout) as { operation: { id: string; plan: { summary: string } } }[];
      expect(items.map((i) => [i.operation.id, i.operation.plan.summary])).toEqual([
        [opId, 'destroy: delete 8 stacks in 3 layers'],
      ]);
      const table = await run(['approvals'], { xdg: admin });
      expect(table.stdout).toMatch(/^OPERATION +ENVIRONMENT +KIND +REQUESTED BY +PLAN +EXPIRES\n/);
      expect(table.stdout).toContain(`${opId}  guarded      destroy`);

      const approved = await run(['ops', 'approve', opId, '--comment', 'change window', '--watch'], {
        xdg: admin,
      });
      expect(approved.code, approved.stderr).toBe(0);
      expect(approved.stdout).toMatch(/✔ network: destroyed/);
      expect(approved.stdout).toMatch(new RegExp(`\noperation ${opId}: succeeded\n$`));
    } finally {
      rmSync(admin, { recursive: true, force: true });
    }
  });

  it('logs out: whoami then answers 3', async () => {
    expect(parse(await json(['logout']))).toEqual({ logged_out: true });
    expect(await run(['whoami'])).toMatchObject({
      code: 3,
      stderr: 'envctl: Not logged in: run envctl login\n',
    });
    expect(await run(['logout'])).toEqual({ code: 0, stdout: 'Not logged in\n', stderr: '' });
  });
});
