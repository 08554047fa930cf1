/**
 * envctl's pull-request previews as child processes against local mode (docs/decisions.md §46):
 * `previews configure` (the settings and the hook URL), `previews secret` (printed once, the
 * reminder on stderr), and `previews` listing a preview that a signed GitHub delivery created.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Result, useEnvctl } from './cli-support.ts';
import { useLocalMode } from './support.ts';

const local = useLocalMode({ sweepIntervalMs: 0 });
const { run, login } = useEnvctl(local);

type Json = Record<string, unknown>;
const parse = (result: Result): Json => {
  expect(result, result.stderr).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout) as Json;
};

const shared = { projectId: '', secret: '' };

describe('envctl previews', () => {
  it('configure saves the settings and shows the hook URL; --param and --ttl-hours are passed on', async () => {
    // Arrange
    await login();
    shared.projectId = String(parse(await run(['-o', 'json', 'projects', 'create', 'shop'])).id);
    // Act
    const configured = await run([
      '-o',
      'json',
      'previews',
      'configure',
      '--project',
      'shop',
      '--template',
      'minimal',
      '--repository',
      'acme/shop',
      '--ttl-hours',
      '12',
      '--param',
      'storage_gb=30',
    ]);
    const text = await run([
      'previews',
      'configure',
      '--project',
      'shop',
      '--template',
      'minimal',
      '--repository',
      'acme/shop',
      '--ttl-hours',
      '12',
      '--param',
      'storage_gb=30',
    ]);
    const badTtl = await run([
      'previews',
      'configure',
      '--project',
      'shop',
      '--template',
      'minimal',
      '--repository',
      'acme/shop',
      '--ttl-hours',
      '721',
    ]);
    // Assert
    const settings = parse(configured);
    expect(settings).toMatchObject({
      enabled: true,
      template: 'minimal',
      repository: 'acme/shop',
      ttl_hours: 12,
      parameters: { storage_gb: 30 },
      secret_set: false,
      hook_url: `${local.runtime.baseUrl}/hooks/github/${shared.projectId}`,
    });
    expect(configured.stderr).toBe('No secret yet: envctl previews secret --project shop\n');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`hook_url: ${local.runtime.baseUrl}/hooks/github/${shared.projectId}`);
    expect(badTtl.code).toBe(2);
  });

  it('secret prints the secret once (the reminder on stderr); the settings then say secret_set', async () => {
    // Act
    const created = await run(['-o', 'json', 'previews', 'secret', '--project', 'shop']);
    const text = await run(['previews', 'secret', '--project', 'shop']);
    // Assert
    const body = parse(created);
    expect(body.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(body.secret_set).toBe(true);
    expect(created.stderr).toBe(
      'The secret is shown only now: paste it into the GitHub webhook’s Secret field.\n',
    );
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^hook_url: \S+\nsecret: [0-9a-f]{64}\n$/);
    shared.secret = text.stdout.match(/secret: ([0-9a-f]{64})/)?.[1] ?? '';
  });

  it('lists the preview a signed opened delivery created (all projects, or one; table and -o json)', async () => {
    // Arrange
    const sha = 'c'.repeat(40);
    const raw = JSON.stringify({
      action: 'opened',
      number: 12,
      pull_request: { html_url: 'https://github.com/acme/shop/pull/12', head: { ref: 'feature-x', sha } },
      repository: { full_name: 'acme/shop' },
      sender: { login: 'octocat' },
    });
    const hook = await local.api.call('POST', `/hooks/github/${shared.projectId}`, {
      raw,
      headers: {
        'X-GitHub-Event': 'pull_request',
        'X-GitHub-Delivery': randomUUID(),
        'X-Hub-Signature-256': `sha256=${createHmac('sha256', shared.secret).update(raw).digest('hex')}`,
      },
    });
    expect(hook.status).toBe(202);
    // Act
    const table = await run(['previews']);
    const json = await run(['-o', 'json', 'previews', '--project', 'shop']);
    // Assert
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^PR +ENVIRONMENT +STATUS +VERSION +WANTED +BRANCH +URL +EXPIRES$/,
    );
    expect(table.stdout).toContain('#12');
    expect(table.stdout).toContain('pr-12 (env_');
    expect(table.stdout).toContain('feature-x');
    expect(table.stdout).toContain('https://github.com/acme/shop/pull/12');
    const items = JSON.parse(json.stdout) as Json[];
    expect(items).toEqual([
      expect.objectContaining({
        number: 12,
        name: 'pr-12',
        wanted_sha: sha,
        branch: 'feature-x',
        project_id: shared.projectId,
      }),
    ]);
  });
});
