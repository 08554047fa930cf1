/** `env create|list|get|delete|stop|start|update` (an environment is an id or a name). */
import { type Command, Option } from 'commander';
import { unwrap } from '../api/client.ts';
import { environmentStatusValues, environmentTypeValues } from '../api/enums.ts';
import type { components } from '../api/schema.ts';
import { CliError, exitCodes } from '../errors.ts';
import { fields, print, table } from '../output.ts';
import { collect, limitOption, noteMore } from '../pages.ts';
import { planText } from '../plan.ts';
import { environmentId, projectId } from '../resolve.ts';
import { accepted, collectParam, session, watchEnvironment } from './common.ts';

type Plan = components['schemas']['Plan'];
type EnvironmentStatus = components['schemas']['Environment']['status'];
const isPlan = (body: object): body is Plan => 'dry_run' in body;

interface CreateOptions {
  name: string;
  template: string;
  type?: 'ephemeral' | 'persistent';
  ttl?: string;
  account?: string;
  region?: string;
  onFailure?: 'rollback' | 'keep';
  protected?: boolean;
  param?: Record<string, unknown>;
  plan?: boolean;
  watch?: boolean;
}

export function envCommands(program: Command): void {
  const env = program.command('env').description('Manage environments');

  env
    .command('create <project>')
    .description('Create an environment in a project (id or name)')
    .requiredOption('--name <name>', 'the environment name')
    .requiredOption('--template <template>', 'the template (e.g. default)')
    .addOption(new Option('--type <type>', 'ephemeral or persistent').choices(environmentTypeValues))
    .option('--ttl <hours>', 'hours to live (ephemeral)')
    .option('--account <id>', 'the 12-digit AWS account')
    .option('--region <region>', 'the AWS region')
    .addOption(new Option('--on-failure <mode>', 'rollback or keep').choices(['rollback', 'keep']))
    .option('--protected', 'operations the project’s policy names wait for an approver (persistent only)')
    .option(
      '--param <key=value>',
      'a template parameter (repeatable; dotted keys nest; JSON values)',
      collectParam,
    )
    .option('--plan', 'show the plan (a dry run) instead of creating')
    .option('--watch', 'follow the provision live')
    .action(async (projectArg: string, options: CreateOptions, command: Command) => {
      const { api, g } = await session(command);
      const project_id = await projectId(api, projectArg);
      const body = {
        name: options.name,
        template: options.template,
        type: options.type,
        ttl_hours: options.ttl === undefined ? undefined : Number(options.ttl),
        account_id: options.account,
        region: options.region as components['schemas']['CreateEnvironmentRequest']['region'],
        on_failure: options.onFailure,
        parameters: options.param ?? {},
        ...(options.protected ? { protected: true } : {}),
      };
      const answer = unwrap(
        await api.POST('/projects/{project_id}/environments', {
          params: { path: { project_id }, query: options.plan ? { dry_run: 'true' as const } : {} },
          body,
        }),
      );
      if (isPlan(answer)) return print(g, answer, () => planText(answer));
      await accepted(api, g, answer, Boolean(options.watch));
    });

  env
    .command('list')
    .description('List environments')
    .option('--project <project>', 'only this project (id or name)')
    .addOption(new Option('--status <status>', 'only this status').choices(environmentStatusValues))
    .addOption(limitOption())
    .action(
      async (options: { project?: string; status?: EnvironmentStatus; limit: number }, command: Command) => {
        const { api, g } = await session(command);
        const project_id = options.project ? await projectId(api, options.project) : undefined;
        const { items, more } = await collect(
          async (page) =>
            unwrap(
              await api.GET('/environments', {
                params: { query: { ...page, project_id, status: options.status } },
              }),
            ),
          options.limit,
        );
        print(g, items, () =>
          table(
            ['ID', 'NAME', 'STATUS', 'TEMPLATE', 'PROJECT'],
            items.map((e) => [e.id, e.name, e.status, e.template, e.project_id]),
          ),
        );
        noteMore('environments', options.limit, more);
      },
    );

  env
    .command('get <env>')
    .description('Show an environment')
    .action(async (arg: string, _options, command: Command) => {
      const { api, g } = await session(command);
      const env_id = await environmentId(api, arg);
      const e = unwrap(await api.GET('/environments/{env_id}', { params: { path: { env_id } } }));
      print(g, e, () =>
        fields({
          id: e.id,
          name: e.name,
          status: e.status,
          template: e.template,
          progress: `layer ${e.progress.layer}/${e.progress.layers}, ${e.progress.stacks_done}/${e.progress.stacks} stacks`,
          base_url: e.base_url ?? '',
          operation: e.current_operation_id ?? '',
        }),
      );
    });

  env
    .command('watch <env>')
    .description("Follow the environment's run in progress live, then its summary")
    .action(async (arg: string, _options, command: Command) => {
      const { api, g } = await session(command);
      await watchEnvironment(api, g, await environmentId(api, arg));
    });

  env
    .command('delete <env>')
    .description('Destroy an environment')
    .option('--plan', 'show the plan (a dry run) instead of destroying')
    .option('--watch', 'follow the destroy live')
    .action(async (arg: string, options: { plan?: boolean; watch?: boolean }, command: Command) => {
      const { api, g } = await session(command);
      const env_id = await environmentId(api, arg);
      const query = options.plan ? { dry_run: 'true' as const } : {};
      const answer = unwrap(
        await api.DELETE('/environments/{env_id}', { params: { path: { env_id }, query } }),
      );
      if (isPlan(answer)) return print(g, answer, () => planText(answer));
      await accepted(api, g, answer, Boolean(options.watch));
    });

  for (const verb of ['stop', 'start'] as const) {
    env
      .command(`${verb} <env>`)
      .description(`${verb === 'stop' ? 'Stop' : 'Start'} an environment`)
      .option('--watch', 'follow it live')
      .action(async (arg: string, options: { watch?: boolean }, command: Command) => {
        const { api, g } = await session(command);
        const env_id = await environmentId(api, arg);
        const params = { params: { path: { env_id } } };
        const answer = unwrap(
          verb === 'stop'
            ? await api.POST('/environments/{env_id}/stop', params)
            : await api.POST('/environments/{env_id}/start', params),
        );
        await accepted(api, g, answer, Boolean(options.watch));
      });
  }

  env
    .command('update <env>')
    .description('Change template parameters, or protection (turning it off waits for an approval)')
    .option(
      '--param <key=value>',
      'a template parameter (repeatable; dotted keys nest; JSON values)',
      collectParam,
    )
    .option('--protect', 'protect the environment (at once)')
    .option('--unprotect', 'turn protection off (an operation that waits for an approval)')
    .option('--plan', 'show the plan (a dry run) instead of updating')
    .option('--watch', 'follow the update live')
    .action(
      async (
        arg: string,
        options: {
          param?: Record<string, unknown>;
          protect?: boolean;
          unprotect?: boolean;
          plan?: boolean;
          watch?: boolean;
        },
        command: Command,
      ) => {
        if (options.protect && options.unprotect) {
          throw new CliError('give --protect or --unprotect, not both', exitCodes.usage);
        }
        const { api, g } = await session(command);
        const env_id = await environmentId(api, arg);
        const current = unwrap(await api.GET('/environments/{env_id}', { params: { path: { env_id } } }));
        const answer = unwrap(
          await api.PATCH('/environments/{env_id}', {
            params: {
              path: { env_id },
              query: options.plan ? { dry_run: 'true' as const } : {},
              header: { 'If-Match': `"${current.version}"` },
            },
            body: {
              parameters: options.param ?? {},
              ...(options.protect ? { protected: true } : options.unprotect ? { protected: false } : {}),
            },
          }),
        );
        if (isPlan(answer)) return print(g, answer, () => planText(answer));
        await accepted(api, g, answer, Boolean(options.watch));
      },
    );
}
