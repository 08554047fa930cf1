/**
 * envctl's watches against local mode, as a child process (decisions §39): `--watch` reading the
 * run's stream for a provision that succeeds and one that fails (exit 5), the NDJSON events in
 * order, `ops get --watch` reattaching to a run, `env watch` (a run in progress, then none), and
 * `logs --follow` (existing lines, new ones as they are written, Ctrl-C → 130). Every Wait state
 * sleeps 100 ms so runs last long enough to be followed live.
 */
import { describe, expect, it } from 'vitest';
import { type Result, run, start } from './envctl.ts';
import { useLocalMode } from './support.ts';

const local = useLocalMode({
  waitOverrideMs: 100,
  sweepIntervalMs: 0,
  users: ['Developers'],
  project: 'watching',
});
const developer = local.as('Developers');

const envctl = (args: string[]): Promise<Result> => run(local.runtime.baseUrl, String(developer.token), args);

type Json = Record<string, unknown>;
interface Event {
  id: string | null;
  type: string;
  data: Json;
}
const ndjson = (text: string): Event[] =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Event);

let accounts = 410000000000;
const account = () => String(accounts++);

/** Creates an environment through the API (not envctl): its id and its provision's id. */
async function create(body: Json): Promise<{ envId: string; opId: string }> {
  const reply = await developer.call('POST', `/projects/${local.projectId}/environments`, {
    body: { account_id: account(), template: 'default', ...body },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(202);
  return { envId: String(reply.body.id), opId: String((reply.body.operation as Json).id) };
}

const DEFAULT_STACKS = 16;

describe('envctl --watch (the run’s stream)', () => {
  it('follows a provision that succeeds: every stack provisioned, then the summary with outputs', async () => {
    // Act
    const created = await envctl([
      'env',
      'create',
      'watching',
      '--name',
      'watch-ok',
      '--template',
      'default',
      '--account',
      account(),
      '--watch',
    ]);

    // Assert
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).not.toContain('\u001b');
    expect(created.stdout).toMatch(/^watch-ok \(env_[0-9a-z]{26}\): operation op_[0-9a-z]{26}\n/);
    expect(created.stdout.match(/^.*\b[\w-]+: provisioned \(\d+\.\ds\)$/gm)?.length).toBe(DEFAULT_STACKS);
    expect(created.stdout).toMatch(/Layer 1 \(\d\/\d\)/);
    expect(created.stdout).toMatch(/operation op_[0-9a-z]{26}: succeeded\noutputs:\n( {2}\S+ = .*\n)+$/);
    expect(created.stdout).toMatch(/\n {2}network\.vpc_id = vpc-[0-9a-f]{17}\n/);
  });

  it('follows a provision that fails: exit 5, the failed stack and the skipped ones', async () => {
    // Act
    const failing = await envctl([
      'env',
      'create',
      'watching',
      '--name',
      'watch-fail',
      '--template',
      'default',
      '--account',
      account(),
      '--on-failure',
      'keep',
      '--param',
      'simulate.fail_stacks=["storage"]',
      '--watch',
    ]);

    // Assert
    expect(failing.code).toBe(5);
    expect(failing.stdout).toMatch(/\noperation op_[0-9a-z]{26}: failed\nfailed stacks: storage\nerror: /);
    expect(failing.stdout).toMatch(/skipped/);
    expect(failing.stderr).toMatch(/storage: failed .*\n/);
    expect(failing.stderr).toMatch(/envctl: The operation ended failed\n$/);
  });

  it('prints one NDJSON line per stream event with -o json: each stack starts before it finishes, the end last', async () => {
    // Act
    const created = await envctl([
      '-o',
      'json',
      'env',
      'create',
      'watching',
      '--name',
      'watch-json',
      '--template',
      'default',
      '--account',
      account(),
      '--watch',
    ]);

    // Assert
    expect(created.code, created.stderr).toBe(0);
    const events = ndjson(created.stdout);
    expect(events[0]).toMatchObject({ type: 'operation.started', data: { kind: 'provision' } });
    expect(events.at(-1)).toMatchObject({ type: 'end', data: { status: 'succeeded', error: null } });
    expect(events.filter((e) => e.type === 'end')).toHaveLength(1);
    expect(events.map((e) => e.type)).not.toContain('reconnect');
    const ids = events.map((e) => String(e.id));
    expect(ids).toEqual([...ids].sort());
    const finished = events.filter((e) => e.type === 'stack.finished').map((e) => String(e.data.stack));
    expect(new Set(finished).size).toBe(DEFAULT_STACKS);
    for (const stack of finished) {
      const startedAt = events.findIndex((e) => e.type === 'stack.started' && e.data.stack === stack);
      const finishedAt = events.findIndex((e) => e.type === 'stack.finished' && e.data.stack === stack);
      expect(startedAt, stack).toBeGreaterThanOrEqual(0);
      expect(startedAt, stack).toBeLessThan(finishedAt);
    }
  });

  it('reattaches with ops get --watch: the whole run from its start to its end, again once it ended', async () => {
    // Arrange
    const { opId } = await create({ name: 'reattached' });

    // Act
    const live = await envctl(['-o', 'json', 'ops', 'get', opId, '--watch']);
    const again = await envctl(['-o', 'json', 'ops', 'get', opId, '--watch']);

    // Assert
    expect(live.code, live.stderr).toBe(0);
    const events = ndjson(live.stdout);
    expect(events[0]).toMatchObject({ type: 'operation.started', data: { operation_id: opId } });
    expect(events.at(-1)).toMatchObject({ type: 'end', data: { status: 'succeeded' } });
    expect(again.code, again.stderr).toBe(0);
    const replayed = ndjson(again.stdout);
    const withoutProgress = (list: Event[]) => list.filter((e) => e.type !== 'progress').map((e) => e.id);
    expect(withoutProgress(replayed)).toEqual(withoutProgress(events));
  });
  it('detaches on Ctrl-C (exit 130): the run goes on', async () => {
    // Arrange
    const { envId, opId } = await create({ name: 'detached' });
    const watch = start(local.runtime.baseUrl, String(developer.token), ['ops', 'get', opId, '--watch']);
    await watch.waitFor(/Layer 1/);

    // Act
    watch.child.kill('SIGINT');
    const code = await watch.exited();

    // Assert
    expect(code).toBe(130);
    expect(watch.stderr()).toContain(
      `Detached; ${opId} goes on. Follow it again with: envctl ops get ${opId} --watch`,
    );
    await developer.waitForStatus(envId, 'running');
  });
});

describe('envctl deploy --watch', () => {
  it('follows a deployment’s stream: every batch healthy, then the deployment succeeded', async () => {
    // Arrange
    const { envId } = await create({ name: 'deployed', type: 'persistent', template: 'minimal' });
    await developer.waitForStatus(envId, 'running');

    // Act
    const deployed = await envctl(['deploy', 'deployed', 'v2.0.0', '--watch']);

    // Assert
    expect(deployed.code, deployed.stderr).toBe(0);
    const numbers = (status: string) =>
      new Set(
        [...deployed.stdout.matchAll(new RegExp(`Batch (\\d+) \\(\\d+%\\): ${status}`, 'g'))].map(
          (m) => m[1],
        ),
      );
    const all = numbers('\\w+');
    expect(all.size).toBeGreaterThan(0);
    expect(numbers('healthy')).toEqual(all);
    expect(deployed.stdout).toMatch(/\ndeployment dep_[0-9a-z]{26}: succeeded\n$/);
  });
});

describe('envctl env watch', () => {
  it('attaches to the environment’s run in progress, then says when none runs (exit 0)', async () => {
    // Arrange
    const { envId, opId } = await create({ name: 'env-watched' });

    // Act
    const watched = await envctl(['env', 'watch', 'env-watched']);
    const idle = await envctl(['env', 'watch', envId]);

    // Assert
    expect(watched.code, watched.stderr).toBe(0);
    // Either it caught the run (the tree and the summary) or the run had ended before it looked.
    const expected = new RegExp(
      `^env-watched \\(${envId}\\): (operation ${opId}\\n[\\s\\S]*operation ${opId}: succeeded\\noutputs:\\n|running; no run in progress)`,
    );
    expect(watched.stdout).toMatch(expected);
    expect(idle).toMatchObject({
      code: 0,
      stdout: `env-watched (${envId}): running; no run in progress, last operation ${opId} (provision) succeeded\n`,
    });
  });
});

describe('envctl logs --follow', () => {
  // stop acts on the compute stacks only: a compute stack's lines come before and after it.
  it('prints the existing lines, then new ones as they are written, filtered; Ctrl-C exits 130', async () => {
    // Arrange: a running environment with lines already.
    const { envId } = await create({ name: 'followed' });
    await developer.waitForStatus(envId, 'running');

    // Act
    const follow = start(local.runtime.baseUrl, String(developer.token), [
      'logs',
      'followed',
      '--follow',
      '--stack',
      'compute-lambda',
    ]);
    await follow.waitFor(/Stack compute-lambda provisioned/);
    const stopped = await developer.call('POST', `/environments/${envId}/stop`);
    await follow.waitFor(/Stopped stack compute-lambda/);
    follow.child.kill('SIGINT');
    const code = await follow.exited();

    // Assert
    expect(stopped.status).toBe(202);
    expect(code).toBe(130);
    const lines = follow.stdout().trim().split('\n');
    expect(
      lines.every((l) =>
        / INFO {2}\[compute-lambda\] | WARN {2}\[compute-lambda\] | ERROR \[compute-lambda\] /.test(l),
      ),
    ).toBe(true);
    expect(new Set(lines).size).toBe(lines.length);
    const provisioned = lines.findIndex((l) =>
      /Stack compute-lambda provisioned \(\d+ resources?\)$/.test(l),
    );
    const stopping = lines.findIndex((l) => l.endsWith('Stopping stack compute-lambda'));
    expect(provisioned).toBeGreaterThanOrEqual(0);
    expect(stopping).toBeGreaterThan(provisioned);
  });
});
