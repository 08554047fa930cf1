/**
 * Project and environment arguments: an id (`prj_…`, `env_…`) is used as is; anything else is a
 * name, found by listing (every page). No match: exit code 4; two environments of one name in
 * different projects: an error asking for the id.
 */
import { type Api, unwrap } from './api/client.ts';
import { CliError, exitCodes } from './errors.ts';

export async function projectId(api: Api, arg: string): Promise<string> {
  if (/^prj_[0-9a-z]{26}$/.test(arg)) return arg;
  let cursor: string | undefined;
  do {
    const page = unwrap(await api.GET('/projects', { params: { query: { limit: 100, cursor } } }));
    const found = page.items.find((p) => p.name === arg);
    if (found) return found.id;
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  throw new CliError(`No project named ${arg}`, exitCodes.notFound);
}

export async function environmentId(api: Api, arg: string): Promise<string> {
  if (/^env_[0-9a-z]{26}$/.test(arg)) return arg;
  const matches: string[] = [];
  let cursor: string | undefined;
  do {
    const page = unwrap(await api.GET('/environments', { params: { query: { limit: 100, cursor } } }));
    matches.push(...page.items.filter((e) => e.name === arg).map((e) => e.id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  if (matches.length === 0) throw new CliError(`No environment named ${arg}`, exitCodes.notFound);
  if (matches.length > 1)
    throw new CliError(`Several environments are named ${arg}: give its id (${matches.join(', ')})`);
  return matches[0] as string;
}
