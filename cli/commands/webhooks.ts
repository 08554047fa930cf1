/**
 * `webhooks list|create|get|update|delete|rotate|test|deliveries|redeliver --project <project>`:
 * a project's outgoing webhooks (docs/decisions.md §45). The secret of `create` and `rotate` is
 * printed once; `test` and `redeliver` print the attempt they made and exit 5 when it failed.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Globals } from '../api/client.ts';
import { unwrap } from '../api/client.ts';
import type { components } from '../api/schema.ts';
import { CliError, exitCodes } from '../errors.ts';
import { fields, note, print, table } from '../output.ts';
import { collect, limitOption, noteMore } from '../pages.ts';
import { projectId } from '../resolve.ts';
import { session } from './common.ts';

type Webhook = components['schemas']['Webhook'];
type WithSecret = components['schemas']['WebhookWithSecret'];
type Delivery = components['schemas']['WebhookDelivery'];

const projectOption = () =>
  new Option('--project <project>', 'the project (id or name)').makeOptionMandatory();

/** `--event` (repeatable): an event type or a prefix of types ending in `.`. */
function collectEvent(value: string, previous: string[] = []): string[] {
  if (value === '') throw new InvalidArgumentError('an event type or prefix is expected.');
  return [...previous, value];
}

function webhookFields(w: Webhook): Record<string, unknown> {
  return {
    id: w.id,
    url: w.url,
    events: w.events.join(', '),
    description: w.description ?? 'none',
    enabled: w.enabled,
    rotated_at: w.rotated_at ?? 'never',
  };
}

/** The webhook and its secret, once; the reminder goes to stderr so `-o json` stays one document. */
function printWithSecret(g: Globals, webhook: WithSecret): void {
  print(g, webhook, () => fields({ ...webhookFields(webhook), secret: webhook.secret }));
  note('The secret is shown only now: store it where your receiver verifies signatures.');
}

/** The delivery's latest attempt. */
const lastAttempt = (d: Delivery) => d.attempts[d.attempts.length - 1];

/**
 * `test` and `redeliver`: the delivery with the attempt just made. That attempt failing (the
 * receiver's non-2xx, a timeout, a refused target) is exit code 5, as a watched run that ended
 * other than succeeded: the request was accepted, what it set going failed.
 */
function printAttempt(g: Globals, delivery: Delivery): void {
  const attempt = lastAttempt(delivery);
  print(g, delivery, () =>
    fields({
      delivery: delivery.id,
      webhook: delivery.webhook_id,
      event_type: delivery.event_type,
      status: attempt?.status ?? delivery.status,
      response_code: attempt?.response_code ?? 'none',
      duration_ms: attempt?.duration_ms ?? 0,
      ...(attempt?.error ? { error: attempt.error } : {}),
      attempts: delivery.attempts.length,
    }),
  );
  if (attempt?.status !== 'succeeded')
    throw new CliError(
      `The delivery failed: ${attempt?.error ?? `status ${delivery.status}`}`,
      exitCodes.runFailed,
    );
}

export function webhookCommands(program: Command): void {
  const webhooks = program
    .command('webhooks')
    .description('Manage a project’s webhooks (signed lifecycle events to your endpoints)');

  webhooks
    .command('list')
    .description('List the project’s webhooks (never their secrets)')
    .addOption(projectOption())
    .addOption(limitOption())
    .action(async (options: { project: string; limit: number }, command: Command) => {
      const { api, g } = await session(command);
      const project_id = await projectId(api, options.project);
      const { items, more } = await collect(
        async (query) =>
          unwrap(
            await api.GET('/projects/{project_id}/webhooks', { params: { path: { project_id }, query } }),
          ),
        options.limit,
      );
      print(g, items, () =>
        table(
          ['ID', 'URL', 'EVENTS', 'ENABLED', 'DESCRIPTION'],
          items.map((w) => [w.id, w.url, w.events.join(','), w.enabled ? 'yes' : 'no', w.description ?? '']),
        ),
      );
      noteMore('webhooks', options.limit, more);
    });

  webhooks
    .command('create')
    .description('Subscribe an endpoint to the project’s events; prints its signing secret once')
    .addOption(projectOption())
    .requiredOption('--url <url>', 'the endpoint (https; loopback http in local mode)')
    .requiredOption(
      '--event <type>',
      'an event type (environment.running) or prefix (environment.); repeatable',
      collectEvent,
    )
    .option('--description <text>', 'what it is for')
    .action(
      async (
        options: { project: string; url: string; event: string[]; description?: string },
        command: Command,
      ) => {
        const { api, g } = await session(command);
        const project_id = await projectId(api, options.project);
        const webhook = unwrap(
          await api.POST('/projects/{project_id}/webhooks', {
            params: { path: { project_id } },
            body: {
              url: options.url,
              events: options.event,
              ...(options.description !== undefined ? { description: options.description } : {}),
            },
          }),
        );
        printWithSecret(g, webhook);
      },
    );

  webhooks
    .command('get <webhook>')
    .description('Show a webhook (never its secret)')
    .addOption(projectOption())
    .action(async (webhook_id: string, options: { project: string }, command: Command) => {
      const { api, g } = await session(command);
      const project_id = await projectId(api, options.project);
      const webhook = unwrap(
        await api.GET('/projects/{project_id}/webhooks/{webhook_id}', {
          params: { path: { project_id, webhook_id } },
        }),
      );
      print(g, webhook, () => fields(webhookFields(webhook)));
    });

  webhooks
    .command('update <webhook>')
    .description('Change a webhook’s URL, events or description, or enable or disable it')
    .addOption(projectOption())
    .option('--url <url>', 'a new endpoint')
    .option('--event <type>', 'the new event types or prefixes (repeatable; replaces them all)', collectEvent)
    .option('--description <text>', 'a new description ("" clears it)')
    .addOption(new Option('--enable', 'deliver events again').conflicts('disable'))
    .addOption(
      new Option('--disable', 'stop delivering events (test still sends a ping)').conflicts('enable'),
    )
    .action(
      async (
        webhook_id: string,
        options: {
          project: string;
          url?: string;
          event?: string[];
          description?: string;
          enable?: boolean;
          disable?: boolean;
        },
        command: Command,
      ) => {
        const body: components['schemas']['UpdateWebhookRequest'] = {};
        if (options.url !== undefined) body.url = options.url;
        if (options.event !== undefined) body.events = options.event;
        if (options.description !== undefined) body.description = options.description || null;
        if (options.enable) body.enabled = true;
        if (options.disable) body.enabled = false;
        if (Object.keys(body).length === 0)
          throw new CliError(
            'nothing to change: give --url, --event, --description, --enable or --disable',
            exitCodes.usage,
          );
        const { api, g } = await session(command);
        const project_id = await projectId(api, options.project);
        const webhook = unwrap(
          await api.PATCH('/projects/{project_id}/webhooks/{webhook_id}', {
            params: { path: { project_id, webhook_id } },
            body,
          }),
        );
        print(g, webhook, () => fields(webhookFields(webhook)));
      },
    );

  webhooks
    .command('delete <webhook>')
    .description('Delete a webhook: nothing more is sent to it')
    .addOption(projectOption())
    .action(async (webhook_id: string, options: { project: string }, command: Command) => {
      const { api, g } = await session(command);
      const project_id = await projectId(api, options.project);
      const { error, response } = await api.DELETE('/projects/{project_id}/webhooks/{webhook_id}', {
        params: { path: { project_id, webhook_id } },
      });
      if (!response.ok) unwrap({ error, response });
      print(g, { id: webhook_id, deleted: true }, () => `Deleted ${webhook_id}`);
    });

  webhooks
    .command('rotate <webhook>')
    .description('Give a webhook a new secret (printed once); the old one signs nothing more')
    .addOption(projectOption())
    .action(async (webhook_id: string, options: { project: string }, command: Command) => {
      const { api, g } = await session(command);
      const project_id = await projectId(api, options.project);
      const webhook = unwrap(
        await api.POST('/projects/{project_id}/webhooks/{webhook_id}/rotate', {
          params: { path: { project_id, webhook_id } },
        }),
      );
      printWithSecret(g, webhook);
    });

  webhooks
    .command('test <webhook>')
    .description('Send a signed webhook.ping now; exit code 5 when the delivery failed')
    .addOption(projectOption())
    .action(async (webhook_id: string, options: { project: string }, command: Command) => {
      const { api, g } = await session(command);
      const project_id = await projectId(api, options.project);
      const delivery = unwrap(
        await api.POST('/projects/{project_id}/webhooks/{webhook_id}/test', {
          params: { path: { project_id, webhook_id } },
        }),
      );
      printAttempt(g, delivery);
    });

  webhooks
    .command('deliveries <webhook>')
    .description('List a webhook’s deliveries, oldest first, with their latest attempt')
    .addOption(projectOption())
    .addOption(limitOption())
    .action(async (webhook_id: string, options: { project: string; limit: number }, command: Command) => {
      const { api, g } = await session(command);
      const project_id = await projectId(api, options.project);
      const { items, more } = await collect(
        async (query) =>
          unwrap(
            await api.GET('/projects/{project_id}/webhooks/{webhook_id}/deliveries', {
              params: { path: { project_id, webhook_id }, query },
            }),
          ),
        options.limit,
      );
      print(g, items, () =>
        table(
          ['ID', 'EVENT', 'STATUS', 'ATTEMPTS', 'LAST CODE', 'NEXT RETRY'],
          items.map((d) => {
            const last = lastAttempt(d);
            return [
              d.id,
              d.event_type,
              d.status,
              String(d.attempts.length),
              last?.response_code == null ? '-' : String(last.response_code),
              last?.next_retry_at ?? '-',
            ];
          }),
        ),
      );
      noteMore('deliveries', options.limit, more);
    });

  webhooks
    .command('redeliver <webhook> <delivery>')
    .description('Send a delivery again now (same webhook-id and body); exit code 5 when it failed')
    .addOption(projectOption())
    .action(
      async (webhook_id: string, delivery_id: string, options: { project: string }, command: Command) => {
        const { api, g } = await session(command);
        const project_id = await projectId(api, options.project);
        const delivery = unwrap(
          await api.POST('/projects/{project_id}/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver', {
            params: { path: { project_id, webhook_id, delivery_id } },
          }),
        );
        printAttempt(g, delivery);
      },
    );
}
