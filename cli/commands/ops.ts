/** `ops list|get|cancel|retry`, `logs`, `deploy`. */
import { type Command, Option } from 'commander';
import { unwrap } from '../api/client.ts';
import { fields, print, table } from '../output.ts';
import { collect, limitOption, noteMore } from '../pages.ts';
import { environmentId } from '../resolve.ts';
import { followLogs } from '../watch/logs.ts';
import { accepted, follow, session } from './common.ts';

export function opsCommands(program: Command): void {
  const ops = program.command('ops').description('Operations (runs) of an environment');

  ops
    .command('list <env>')
    .description('List the operations of an environment, newest first')
    .addOption(limitOption())
    .action(async (arg: string, options: { limit: number }, command: Command) => {
      const { api, g } = await session(command);
      const env_id = await environmentId(api, arg);
      const { items, more } = await collect(
        async (query) =>
          unwrap(await api.GET('/environments/{env_id}/operations', { params: { path: { env_id }, query } })),
        options.limit,
      );
      print(g, items, () =>
        table(
          ['ID', 'KIND', 'STATUS', 'ATTEMPT', 'STARTED'],
          items.map((o) => [o.id, o.kind, o.status, String(o.attempt), o.started_at]),
        ),
      );
      noteMore('operations', options.limit, more);
    });

  ops
    .command('get <op>')
    .description('Show an operation')
    .option('--watch', 'follow it live until it ends')
    .action(async (op_id: string, options: { watch?: boolean }, command: Command) => {
      const { api, g } = await session(command);
      if (options.watch) return follow(api, g, { kind: 'operation', id: op_id });
      const op = unwrap(await api.GET('/operations/{op_id}', { params: { path: { op_id } } }));
      print(g, op, () =>
        [
          fields({ id: op.id, kind: op.kind, status: op.status, error: op.error ?? '' }),
          table(
            ['LAYER', 'STACK', 'STATUS'],
            op.stacks.map((s) => [String(s.layer), s.name, s.status]),
          ),
        ].join('\n'),
      );
    });

  ops
    .command('cancel <op>')
    .description('Ask a running operation to stop and roll back')
    .option('--watch', 'follow it until it ends')
    .action(async (op_id: string, options: { watch?: boolean }, command: Command) => {
      const { api, g } = await session(command);
      const op = unwrap(await api.POST('/operations/{op_id}/cancel', { params: { path: { op_id } } }));
      if (options.watch) return follow(api, g, { kind: 'operation', id: op_id });
      print(g, op, () => fields({ id: op.id, status: op.status, cancel_requested: op.cancel_requested }));
    });

  ops
    .command('approve <op>')
    .description('Approve an operation awaiting approval (not your own): it runs')
    .option('--comment <text>', 'why (kept with the approval and in the audit log)')
    .option('--watch', 'follow the run live')
    .action(async (op_id: string, options: { comment?: string; watch?: boolean }, command: Command) => {
      const { api, g } = await session(command);
      const answer = unwrap(
        await api.POST('/operations/{op_id}/approve', {
          params: { path: { op_id } },
          body: options.comment === undefined ? {} : { comment: options.comment },
        }),
      );
      await accepted(api, g, answer, Boolean(options.watch));
    });

  ops
    .command('reject <op>')
    .description('Reject an operation awaiting approval (not your own): it ends, nothing changes')
    .option('--comment <text>', 'why (kept with the rejection and in the audit log)')
    .action(async (op_id: string, options: { comment?: string }, command: Command) => {
      const { api, g } = await session(command);
      const answer = unwrap(
        await api.POST('/operations/{op_id}/reject', {
          params: { path: { op_id } },
          body: options.comment === undefined ? {} : { comment: options.comment },
        }),
      );
      const op = answer.operation;
      print(g, answer, () =>
        fields({
          id: op.id,
          status: op.status,
          environment: `${answer.name} (${answer.status})`,
          error: op.error ?? '',
        }),
      );
    });

  program
    .command('approvals')
    .description('Operations awaiting an approval you may give, newest first')
    .addOption(limitOption())
    .action(async (options: { limit: number }, command: Command) => {
      const { api, g } = await session(command);
      const { items, more } = await collect(
        async (query) => unwrap(await api.GET('/approvals', { params: { query } })),
        options.limit,
      );
      print(g, items, () =>
        table(
          ['OPERATION', 'ENVIRONMENT', 'KIND', 'REQUESTED BY', 'PLAN', 'EXPIRES'],
          items.map(({ operation: o, environment: e }) => [
            o.id,
            e.name,
            o.kind,
            o.requested_by,
            o.plan?.summary ?? '',
            o.approval?.expires_at ?? '',
          ]),
        ),
      );
      noteMore('approvals', options.limit, more);
    });

  ops
    .command('retry <op>')
    .description('Retry a failed operation')
    .option('--watch', 'follow the retry live')
    .action(async (op_id: string, options: { watch?: boolean }, command: Command) => {
      const { api, g } = await session(command);
      const answer = unwrap(await api.POST('/operations/{op_id}/retry', { params: { path: { op_id } } }));
      await accepted(api, g, answer, Boolean(options.watch));
    });

  program
    .command('logs <env>')
    .description('Show the log lines of an environment')
    .option('--stack <stack>', 'only this stack')
    .addOption(new Option('--level <level>', 'minimum level').choices(['DEBUG', 'INFO', 'WARN', 'ERROR']))
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .action(
      async (
        arg: string,
        options: { stack?: string; level?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'; follow?: boolean },
        command: Command,
      ) => {
        const { api, g } = await session(command);
        const env_id = await environmentId(api, arg);
        if (options.follow) return followLogs(api, g, env_id, { stack: options.stack, level: options.level });
        const page = unwrap(
          await api.GET('/environments/{env_id}/logs', {
            params: { path: { env_id }, query: { limit: 100, stack: options.stack, level: options.level } },
          }),
        );
        if (g.output === 'json') {
          for (const line of page.items) process.stdout.write(`${JSON.stringify(line)}\n`);
          return;
        }
        for (const l of page.items) {
          process.stdout.write(
            `${l.timestamp} ${l.level.padEnd(5)} ${l.stack ? `[${l.stack}] ` : ''}${l.message}\n`,
          );
        }
      },
    );

  program
    .command('deploy <env> <version>')
    .description('Deploy an application version to an environment')
    .addOption(
      new Option('--strategy <strategy>', 'rolling or all_at_once').choices(['rolling', 'all_at_once']),
    )
    .option('--watch', 'follow the deployment live')
    .action(
      async (
        arg: string,
        version: string,
        options: { strategy?: 'rolling' | 'all_at_once'; watch?: boolean },
        command: Command,
      ) => {
        const { api, g } = await session(command);
        const env_id = await environmentId(api, arg);
        const dep = unwrap(
          await api.POST('/environments/{env_id}/deployments', {
            params: { path: { env_id } },
            body: { version, strategy: options.strategy },
          }),
        );
        if (options.watch) return follow(api, g, { kind: 'deployment', id: dep.id });
        print(g, dep, () => fields({ id: dep.id, version: dep.version, status: dep.status }));
      },
    );
}
