/**
 * `service-accounts create|list|rotate|delete --project <project>`: a project's identities for
 * pipelines (docs/decisions.md §44). The secret of `create` and `rotate` is printed once.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { unwrap } from '../api/client.ts';
import type { components } from '../api/schema.ts';
import { fields, note, print, table } from '../output.ts';
import { collect, limitOption, noteMore } from '../pages.ts';
import { projectId } from '../resolve.ts';
import { session } from './common.ts';

type WithSecret = components['schemas']['ServiceAccountWithSecret'];

const projectOption = () =>
  new Option('--project <project>', 'the project (id or name)').makeOptionMandatory();

function days(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 365)
    throw new InvalidArgumentError('must be a whole number of days, 1 to 365');
  return n;
}

/** The account and its secret, once; the reminder goes to stderr so `-o json` stays one document. */
function printWithSecret(g: Parameters<typeof print>[0], account: WithSecret): void {
  print(g, account, () =>
    fields({
      id: account.id,
      name: account.name,
      role: account.role,
      username: account.username,
      expires_at: account.expires_at,
      secret: account.secret,
    }),
  );
  note('The secret is shown only now: store it in your pipeline’s secrets.');
}

export function serviceAccountCommands(program: Command): void {
  const accounts = program
    .command('service-accounts')
    .description('Manage a project’s service accounts (pipelines)');

  accounts
    .command('create <name>')
    .description('Create a service account; prints its secret once')
    .addOption(projectOption())
    .addOption(
      new Option('--role <role>', 'what it may do in the project')
        .choices(['deployer', 'viewer'])
        .default('deployer'),
    )
    .option('--expires-in-days <days>', 'days until it expires (1 to 365)', days, 90)
    .action(
      async (
        name: string,
        options: { project: string; role: 'deployer' | 'viewer'; expiresInDays: number },
        command: Command,
      ) => {
        const { api, g } = await session(command);
        const project_id = await projectId(api, options.project);
        const account = unwrap(
          await api.POST('/projects/{project_id}/service-accounts', {
            params: { path: { project_id } },
            body: { name, role: options.role, expires_in_days: options.expiresInDays },
          }),
        );
        printWithSecret(g, account);
      },
    );

  accounts
    .command('list')
    .description('List the project’s service accounts (never their secrets)')
    .addOption(projectOption())
    .addOption(limitOption())
    .action(async (options: { project: string; limit: number }, command: Command) => {
      const { api, g } = await session(command);
      const project_id = await projectId(api, options.project);
      const { items, more } = await collect(
        async (query) =>
          unwrap(
            await api.GET('/projects/{project_id}/service-accounts', {
              params: { path: { project_id }, query },
            }),
          ),
        options.limit,
      );
      print(g, items, () =>
        table(
          ['ID', 'NAME', 'ROLE', 'USERNAME', 'EXPIRES'],
          items.map((a) => [a.id, a.name, a.role, a.username, a.expires_at]),
        ),
      );
      noteMore('service accounts', options.limit, more);
    });

  accounts
    .command('rotate <id>')
    .description('Give a service account a new secret (printed once); the old one stops working')
    .addOption(projectOption())
    .action(async (sa_id: string, options: { project: string }, command: Command) => {
      const { api, g } = await session(command);
      const project_id = await projectId(api, options.project);
      const account = unwrap(
        await api.POST('/projects/{project_id}/service-accounts/{sa_id}/rotate', {
          params: { path: { project_id, sa_id } },
        }),
      );
      printWithSecret(g, account);
    });

  accounts
    .command('delete <id>')
    .description('Delete a service account: it can no longer sign in')
    .addOption(projectOption())
    .action(async (sa_id: string, options: { project: string }, command: Command) => {
      const { api, g } = await session(command);
      const project_id = await projectId(api, options.project);
      const { error, response } = await api.DELETE('/projects/{project_id}/service-accounts/{sa_id}', {
        params: { path: { project_id, sa_id } },
      });
      if (!response.ok) unwrap({ error, response });
      print(g, { id: sa_id, deleted: true }, () => `Deleted ${sa_id}`);
    });
}
