/** `projects list|create|get|delete` (a project is an id or a name). */
import type { Command } from 'commander';
import { unwrap } from '../api/client.ts';
import { fields, print, table } from '../output.ts';
import { collect, limitOption, noteMore } from '../pages.ts';
import { projectId } from '../resolve.ts';
import { session } from './common.ts';

export function projectCommands(program: Command): void {
  const projects = program.command('projects').description('Manage projects');

  projects
    .command('list')
    .description('List your projects')
    .addOption(limitOption())
    .action(async (options: { limit: number }, command: Command) => {
      const { api, g } = await session(command);
      const { items, more } = await collect(
        async (query) => unwrap(await api.GET('/projects', { params: { query } })),
        options.limit,
      );
      print(g, items, () =>
        table(
          ['ID', 'NAME', 'LIVE ENVIRONMENTS'],
          items.map((p) => [p.id, p.name, String(p.live_environments)]),
        ),
      );
      noteMore('projects', options.limit, more);
    });

  projects
    .command('create <name>')
    .description('Create a project')
    .option('--description <text>', 'a description')
    .action(async (name: string, options: { description?: string }, command: Command) => {
      const { api, g } = await session(command);
      const project = unwrap(
        await api.POST('/projects', { body: { name, description: options.description } }),
      );
      print(g, project, () => fields({ id: project.id, name: project.name }));
    });

  projects
    .command('get <project>')
    .description('Show a project (id or name)')
    .action(async (arg: string, _options, command: Command) => {
      const { api, g } = await session(command);
      const id = await projectId(api, arg);
      const project = unwrap(
        await api.GET('/projects/{project_id}', { params: { path: { project_id: id } } }),
      );
      print(g, project, () =>
        fields({
          id: project.id,
          name: project.name,
          description: project.description ?? '',
          live_environments: project.live_environments,
        }),
      );
    });

  projects
    .command('delete <project>')
    .description('Delete a project with no live environments (id or name)')
    .action(async (arg: string, _options, command: Command) => {
      const { api, g } = await session(command);
      const id = await projectId(api, arg);
      const { error, response } = await api.DELETE('/projects/{project_id}', {
        params: { path: { project_id: id } },
      });
      if (!response.ok) unwrap({ error, response });
      print(g, { id, deleted: true }, () => `Deleted ${id}`);
    });
}
