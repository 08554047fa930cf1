/**
 * `previews [--project P]`, `previews configure --project P …`, `previews secret --project P`:
 * pull-request preview environments (docs/decisions.md §46). The secret is printed once.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Api } from '../api/client.ts';
import { unwrap } from '../api/client.ts';
import type { components } from '../api/schema.ts';
import { fields, note, print, table } from '../output.ts';
import { collect, limitOption, noteMore } from '../pages.ts';
import { projectId } from '../resolve.ts';
import { collectParam, session } from './common.ts';

type Preview = components['schemas']['Preview'] & { project_id: string };
type Settings = components['schemas']['PreviewSettings'];

const projectOption = () =>
  new Option('--project <project>', 'the project (id or name)').makeOptionMandatory();

function hours(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 720)
    throw new InvalidArgumentError('must be a whole number of hours, 1 to 720');
  return n;
}

const short = (sha: string | null) => (sha ? sha.slice(0, 12) : '-');

function settingsFields(settings: Settings): string {
  return fields({
    project_id: settings.project_id,
    enabled: settings.enabled,
    repository: settings.repository,
    template: settings.template,
    ttl_hours: settings.ttl_hours,
    parameters: JSON.stringify(settings.parameters),
    hook_url: settings.hook_url,
    secret_set: settings.secret_set,
  });
}

/**
 * One project's previews, or those of every project the caller sees, up to `limit` in all.
 * Once the limit is reached, a further project is asked for one item only, to know whether
 * more exist (`collect` with nothing left to read).
 */
async function previewsOf(
  api: Api,
  projects: string[],
  limit: number,
): Promise<{ items: Preview[]; more: boolean }> {
  const items: Preview[] = [];
  for (const project_id of projects) {
    const page = await collect(
      async (query) =>
        unwrap(await api.GET('/projects/{project_id}/previews', { params: { path: { project_id }, query } })),
      limit - items.length,
    );
    items.push(...page.items.map((p) => ({ ...p, project_id })));
    if (page.more) return { items, more: true };
  }
  return { items, more: false };
}

export function previewCommands(program: Command): void {
  const previews = program
    .command('previews')
    .description('Pull-request preview environments: list (the default), configure, secret');

  previews
    .command('list', { isDefault: true })
    .description('List the previews (all your projects, or one) and their environments’ state')
    .option('--project <project>', 'only this project (id or name)')
    .addOption(limitOption())
    .action(async (options: { project?: string; limit: number }, command: Command) => {
      const { api, g } = await session(command);
      const projects = options.project
        ? [await projectId(api, options.project)]
        : (
            await collect(async (query) => unwrap(await api.GET('/projects', { params: { query } })), 1000)
          ).items.map((p) => p.id);
      const { items, more } = await previewsOf(api, projects, options.limit);
      print(g, items, () =>
        table(
          ['PR', 'ENVIRONMENT', 'STATUS', 'VERSION', 'WANTED', 'BRANCH', 'URL', 'EXPIRES'],
          items.map((p) => [
            `#${p.number}`,
            `${p.name} (${p.environment_id})`,
            p.closed && p.status !== 'destroyed' ? `${p.status ?? '-'} (closing)` : (p.status ?? '-'),
            short(p.version),
            short(p.wanted_sha),
            p.branch,
            p.url,
            p.expires_at ?? '-',
          ]),
        ),
      );
      noteMore('previews', options.limit, more);
    });

  previews
    .command('configure')
    .description('Set a project’s preview settings (replaces them; the secret is kept)')
    .addOption(projectOption())
    .requiredOption('--template <template>', 'the template previews are created from')
    .requiredOption('--repository <owner/name>', 'the GitHub repository whose pull requests get previews')
    .option('--ttl-hours <hours>', 'each preview’s TTL (1 to 720)', hours, 72)
    .option(
      '--param <key=value>',
      'a template parameter (repeatable; dotted keys nest; JSON values)',
      collectParam,
    )
    .option('--disable', 'stop creating previews (deliveries are answered 202, ignored)')
    .action(
      async (
        options: {
          project: string;
          template: string;
          repository: string;
          ttlHours: number;
          param?: Record<string, unknown>;
          disable?: boolean;
        },
        command: Command,
      ) => {
        const { api, g } = await session(command);
        const project_id = await projectId(api, options.project);
        const settings = unwrap(
          await api.PUT('/projects/{project_id}/previews/settings', {
            params: { path: { project_id } },
            body: {
              enabled: !options.disable,
              template: options.template,
              repository: options.repository,
              ttl_hours: options.ttlHours,
              parameters: (options.param ??
                {}) as components['schemas']['PreviewSettingsRequest']['parameters'],
            },
          }),
        );
        print(g, settings, () => settingsFields(settings));
        if (!settings.secret_set) note(`No secret yet: envctl previews secret --project ${options.project}`);
      },
    );

  previews
    .command('secret')
    .description('Generate (or replace) the GitHub webhook secret; prints it once')
    .addOption(projectOption())
    .action(async (options: { project: string }, command: Command) => {
      const { api, g } = await session(command);
      const project_id = await projectId(api, options.project);
      const settings = unwrap(
        await api.POST('/projects/{project_id}/previews/secret', { params: { path: { project_id } } }),
      );
      print(g, settings, () => fields({ hook_url: settings.hook_url, secret: settings.secret }));
      note('The secret is shown only now: paste it into the GitHub webhook’s Secret field.');
    });
}
