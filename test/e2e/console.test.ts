/**
 * The web console in a real browser (issue 13, docs/decisions.md §41): Playwright
 * (`playwright-core`, no browser download) drives the operating system's Chromium against local
 * mode, which serves the console at /v1/console/ like `npm start` does. Skipped, saying so,
 * when /usr/bin/chromium is missing (`apt-get install -y chromium`; `.ci/run` installs it).
 * Each test saves a screenshot under test-artifacts/console/ (git-ignored).
 * With UPDATE_SCREENSHOT=1 the run view's screenshot also replaces docs/console-run.png
 * (the README's picture).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../../local/console-build.ts';
import { useLocalMode } from './support.ts';

type Group = 'Developers' | 'ReadOnly' | 'Administrators';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts/console');
const README_SCREENSHOT = join(import.meta.dirname, '../../docs/console-run.png');

if (!hasChromium) {
  console.warn(
    `Browser tests of the web console SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium).`,
  );
}

describe.skipIf(!hasChromium)('the web console in Chromium', () => {
  // Each Wait of a run lasts 700 ms: a `default` environment takes a few seconds, long enough
  // to watch and to cancel, short enough for npm test.
  const local = useLocalMode({
    users: ['Developers', 'ReadOnly', 'Administrators'],
    project: 'console',
    waitOverrideMs: 700,
  });
  let browser: Browser;
  let context: BrowserContext | undefined;
  let envId: string;

  const user = (group: Group) => {
    const found = local.runtime.seedUsers.find((u) => u.group === group);
    if (!found) throw new Error(`no seeded ${group} user`);
    return found;
  };
  const consoleUrl = (path = '/') => `${local.runtime.baseUrl}/console${path}`;

  async function signedIn(group: Group, width = 1280): Promise<Page> {
    await context?.close();
    context = await browser.newContext({ viewport: { width, height: 900 } });
    return signIn(await context.newPage(), group);
  }

  /** A second user at the same time: a browser context of its own, closed with the browser. */
  async function alsoSignedIn(group: Group): Promise<Page> {
    const other = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    return signIn(await other.newPage(), group);
  }

  async function signIn(page: Page, group: Group): Promise<Page> {
    await page.goto(consoleUrl('/'));
    // With the keyboard only: the labelled field, Tab to the next, Enter submits.
    await page.getByLabel('Email').focus();
    await page.keyboard.type(user(group).email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(user(group).password);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    return page;
  }

  const shoot = (page: Page, name: string) =>
    page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  /** The graph's stacks and their statuses, as the SVG shows them. */
  const graphStatuses = async (page: Page): Promise<string[]> => {
    const nodes = await page.locator('g.node').all();
    return Promise.all(
      nodes.map(async (n) => `${await n.getAttribute('data-stack')}:${await n.getAttribute('data-status')}`),
    );
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await buildConsole();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it('signs in as the seeded developer, creates a default environment from the plan and watches it reach running', async () => {
    // Arrange
    const page = await signedIn('Developers');
    await page.getByRole('link', { name: 'New environment' }).click();

    // Act
    await page.getByLabel('Name').fill('console-one');
    await page.getByRole('button', { name: 'Review the plan' }).click();
    // The plan is computed by the API: on a loaded machine it takes more than expect.poll's default second.
    await expect
      .poll(() => page.getByTestId('plan-summary').textContent(), { timeout: 30_000 })
      .toMatch(/^16 stacks in 5 layers, \$/);
    await page.getByRole('button', { name: 'Create environment' }).click();

    // Assert: the run view follows the stream until every stack is provisioned
    await page.getByRole('heading', { name: 'Run: provision (attempt 1)' }).waitFor();
    await page.locator('g.node[data-status="provisioning"]').first().waitFor({ timeout: 30_000 });
    await page.locator('.status-succeeded').first().waitFor({ timeout: 60_000 });
    const statuses = await graphStatuses(page);
    expect(statuses).toHaveLength(16);
    expect(statuses.every((s) => s.endsWith(':provisioned'))).toBe(true);
    expect(await page.getByTestId('progress').textContent()).toMatch(/^16 \/ 16 stacks/);
    expect(await page.locator('.logs li').count()).toBeGreaterThan(16);
    await shoot(page, 'run-succeeded');
    if (process.env.UPDATE_SCREENSHOT === '1') await page.screenshot({ path: README_SCREENSHOT });
    const href = await page.getByRole('link', { name: /^env_/ }).getAttribute('href');
    envId = href?.split('/').at(-1) ?? '';
    const env = await local.as('Developers').call('GET', `/environments/${envId}`);
    expect(env.body.status).toBe('running');
  });

  it('cancels a running provision', async () => {
    // Arrange: signed in first, then a second environment, still provisioning when its page
    // opens (signing in after creating it could outlast the run on a loaded machine).
    const page = await signedIn('Developers');
    const created = await local.as('Developers').call('POST', `/projects/${local.projectId}/environments`, {
      body: { name: 'console-cancel', template: 'default' },
    });
    const operation = created.body.operation as { id: string };
    await page.goto(consoleUrl(`/operations/${operation.id}`));

    // Act
    const answer = page.waitForResponse((r) => r.url().endsWith(`/operations/${operation.id}/cancel`));
    await page.getByRole('button', { name: 'Cancel run' }).click();

    // Assert
    expect((await answer).status()).toBe(202);
    await page.locator('.status-cancelled').first().waitFor({ timeout: 60_000 });
    expect(await page.getByRole('button', { name: 'Retry run' }).isVisible()).toBe(true);
    await shoot(page, 'run-cancelled');
  });

  it('retries a failed run: a new attempt opens in the live view', async () => {
    // Arrange: a run that fails at its database stack
    const developer = local.as('Developers');
    const created = await developer.call('POST', `/projects/${local.projectId}/environments`, {
      body: {
        name: 'console-flaky',
        template: 'minimal',
        parameters: { simulate: { fail_stacks: ['database-rds'] } },
      },
    });
    await developer.waitForStatus(String(created.body.id), 'failed');
    const page = await signedIn('Developers');
    await page.goto(consoleUrl(`/operations/${(created.body.operation as { id: string }).id}`));
    await page.locator('g.node[data-stack="database-rds"][data-status="failed"]').waitFor();

    // Act
    await page.getByRole('button', { name: 'Retry run' }).click();

    // Assert
    await page.getByRole('heading', { name: 'Run: provision (attempt 2)' }).waitFor();
    await page.locator('.status-failed').first().waitFor({ timeout: 60_000 });
    await page.getByLabel('Level').selectOption('ERROR');
    const errors = await page.locator('.logs li').allTextContents();
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((line) => line.includes('ERROR'))).toBe(true);
    await shoot(page, 'run-retried');
  });

  it('shows a ReadOnly user no button that would answer 403, at 390 px wide', async () => {
    // Arrange
    const page = await signedIn('ReadOnly', 390);

    // Act
    await page.goto(consoleUrl('/'));
    await page.getByRole('heading', { name: 'Environments' }).waitFor();

    // Assert: no create, delete, cancel or retry for them, and the page fits the screen
    expect(await page.getByRole('link', { name: 'New environment' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shoot(page, 'readonly-environments');
    const ops = await local.as('ReadOnly').call('GET', '/environments');
    expect(ops.status).toBe(200);
    await page.goto(consoleUrl('/projects'));
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    expect(await page.getByRole('button', { name: 'Create project' }).count()).toBe(0);
    expect(await page.getByRole('button').allTextContents()).toEqual(['Sign out']);
  });

  it('shows an Administrator the audit log', async () => {
    // Arrange
    const page = await signedIn('Administrators');

    // Act
    await page.getByRole('link', { name: 'Audit log' }).click();

    // Assert: the project local mode created for these tests is in it
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByRole('cell', { name: 'POST /projects', exact: true }).first().waitFor();
    await shoot(page, 'audit');
  });

  it('deploys a version with the rolling strategy from the environment page and watches every batch turn healthy', async () => {
    // Arrange: the running environment of the first test
    const page = await signedIn('Developers');
    await page.goto(consoleUrl(`/environments/${envId}`));
    const form = page.getByRole('form', { name: 'Deploy a version' });

    // Act
    await form.getByLabel('Version').fill('v2.0.0');
    await form.getByLabel('Strategy').selectOption('rolling');
    await form.getByRole('button', { name: 'Deploy', exact: true }).click();

    // Assert: the deployment's live view follows it to the end
    await page.getByRole('heading', { name: 'Deployment of v2.0.0' }).waitFor();
    await page.getByTestId('deployment-status').locator('.status-succeeded').waitFor({ timeout: 60_000 });
    await expect
      .poll(() => page.getByTestId('batches-healthy').textContent(), { timeout: 30_000 })
      .toBe('3 / 3 healthy');
    const batches = await Promise.all(
      (await page.locator('li.batch').all()).map(
        async (li) => `${await li.getAttribute('data-batch')}:${await li.getAttribute('data-status')}`,
      ),
    );
    expect(batches).toEqual(['1:healthy', '2:healthy', '3:healthy']);
    expect(await page.locator('li.batch span:not(.batch-status)').allTextContents()).toEqual([
      '25 % of instances',
      '50 % of instances',
      '100 % of instances',
    ]);
    expect(await page.locator('.logs li').count()).toBeGreaterThan(3);
    await shoot(page, 'deployment-succeeded');
    const id = page.url().split('/').at(-1) ?? '';
    const deployment = await local.as('Developers').call('GET', `/deployments/${id}`);
    expect(deployment.body.status).toBe('succeeded');
    expect(deployment.body.strategy).toBe('rolling');
  });

  it('shows a ReadOnly user the deployment but no "Deploy a version" form', async () => {
    // Arrange
    const page = await signedIn('ReadOnly');

    // Act
    await page.goto(consoleUrl(`/environments/${envId}`));
    await page.getByRole('link', { name: 'v2.0.0' }).click();

    // Assert
    await page.getByRole('heading', { name: 'Deployment of v2.0.0' }).waitFor();
    await page.getByTestId('deployment-status').locator('.status-succeeded').waitFor();
    expect(await page.getByRole('button').allTextContents()).toEqual(['Sign out']);
    await page.goBack();
    await page.getByRole('heading', { name: 'Deployments' }).waitFor();
    expect(await page.getByRole('form', { name: 'Deploy a version' }).count()).toBe(0);
  });

  it('deletes the environment and follows the destroy run', async () => {
    // Arrange
    const page = await signedIn('Developers');
    await page.goto(consoleUrl(`/environments/${envId}`));
    page.once('dialog', (dialog) => void dialog.accept());

    // Act
    await page.getByRole('button', { name: 'Delete environment' }).click();

    // Assert
    await page.getByRole('heading', { name: 'Run: destroy (attempt 1)' }).waitFor();
    await page.locator('.status-succeeded').first().waitFor({ timeout: 60_000 });
    expect((await graphStatuses(page)).every((s) => s.endsWith(':destroyed'))).toBe(true);
    await shoot(page, 'destroyed');
    await local.as('Developers').waitForStatus(envId, 'destroyed');
  });

  it('protects a persistent environment: its deletion waits until an Administrator approves it on the Approvals screen', async () => {
    // Arrange: the developer creates a protected persistent environment from the form
    const page = await signedIn('Developers');
    await page.getByRole('link', { name: 'New environment' }).click();
    await page.getByLabel('Name').fill('console-guarded');
    await page.getByLabel('Template').selectOption('minimal');
    expect(await page.getByLabel('Protected (approvals required)').isDisabled()).toBe(true);
    await page.getByLabel(/^Type/).selectOption('persistent');
    await page.getByLabel('Protected (approvals required)').check();
    await page.getByRole('button', { name: 'Review the plan' }).click();
    await page.getByRole('button', { name: 'Create environment' }).click();
    await page.locator('.status-succeeded').first().waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: /^env_/ }).click();
    await page.locator('.badge-protected').waitFor();
    const guardedId = page.url().split('/').at(-1) ?? '';

    // Act 1: the developer asks to delete it
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete environment' }).click();

    // Assert 1: it waits, with its plan; the requester may cancel, not answer
    const banner = page.getByRole('region', { name: 'Awaiting approval' });
    await banner.waitFor();
    await page.locator('.facts .status-awaiting_approval').waitFor();
    expect(await page.getByRole('status').textContent()).toBe(
      'Deletion of console-guarded requested: it waits for an approval.',
    );
    expect(await banner.getByTestId('approval-plan-summary').textContent()).not.toBe('');
    expect(await banner.getByRole('list', { name: 'Stacks' }).getByRole('listitem').count()).toBe(8);
    expect(await banner.getByRole('button').allTextContents()).toEqual(['Cancel request']);
    await shoot(page, 'approval-requested');
    await banner.getByRole('link', { name: 'destroy' }).click();
    await page.getByTestId('awaiting-approval').waitFor();
    await page.locator('g.node').first().waitFor();
    const waiting = await graphStatuses(page);
    expect(waiting).toHaveLength(8);
    expect(waiting.every((s) => s.endsWith(':pending'))).toBe(true);
    await shoot(page, 'approval-waiting-run');

    // Act 2: the Administrator, in another browser, approves it with a comment
    const admin = await alsoSignedIn('Administrators');
    await admin.getByRole('link', { name: 'Approvals' }).click();
    const row = admin.getByRole('row').filter({ hasText: 'console-guarded' });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('destroy');
    await row.getByLabel('Comment on the destroy of console-guarded').fill('Decommissioned, approved');
    await row.getByRole('button', { name: 'Approve' }).click();

    // Assert 2: the row goes, the message says so, and the deletion runs to the end
    expect(await admin.getByRole('status').textContent()).toBe(
      'Approved the destroy of console-guarded: it runs now.',
    );
    await admin.getByText('Nothing waits for your approval.').waitFor();
    await shoot(admin, 'approval-approved');
    // The developer's live run view follows the approved run to its end.
    await page.locator('.facts .status-succeeded').waitFor({ timeout: 60_000 });
    expect((await graphStatuses(page)).every((s) => s.endsWith(':destroyed'))).toBe(true);
    expect(await page.getByTestId('approval-answer').textContent()).toMatch(
      /^Approval approved by .+: “Decommissioned, approved”$/,
    );
    await shoot(page, 'approval-run');
    await local.as('Developers').waitForStatus(guardedId, 'destroyed');
    const env = await local.as('Developers').call('GET', `/environments/${guardedId}`);
    const ops = await local.as('Developers').call('GET', `/environments/${guardedId}/operations`);
    const destroy = (ops.body.items as { kind: string; approval: Record<string, unknown> | null }[]).find(
      (o) => o.kind === 'destroy',
    );
    expect(env.body.status).toBe('destroyed');
    expect(destroy?.approval).toMatchObject({ status: 'approved', comment: 'Decommissioned, approved' });
    await admin.context().close();
  });

  it('lets an Administrator reject a protected environment’s deletion from its page (a ReadOnly user only sees it), and shows the 409 of a withdrawn request', async () => {
    // Arrange: a protected environment whose deletion the developer asked for
    const developer = local.as('Developers');
    const created = await developer.call('POST', `/projects/${local.projectId}/environments`, {
      body: { name: 'console-kept', template: 'minimal', type: 'persistent', protected: true },
    });
    const keptId = String(created.body.id);
    await developer.waitForStatus(keptId, 'running');
    const asked = await developer.call('DELETE', `/environments/${keptId}`);
    expect(asked.status).toBe(202);
    // A ReadOnly user sees the banner and the plan, with no button, and nothing to answer.
    const reader = await signedIn('ReadOnly');
    await reader.goto(consoleUrl(`/environments/${keptId}`));
    await reader
      .getByRole('region', { name: 'Awaiting approval' })
      .getByTestId('approval-plan-summary')
      .waitFor();
    expect(await reader.getByRole('button').allTextContents()).toEqual(['Sign out']);
    await reader.getByRole('link', { name: 'Approvals' }).click();
    await reader.getByText('Nothing waits for your approval.').waitFor();
    expect(await reader.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    const admin = await signedIn('Administrators');
    await admin.goto(consoleUrl(`/environments/${keptId}`));
    const banner = admin.getByRole('region', { name: 'Awaiting approval' });
    await banner.waitFor();

    // Act
    await banner.getByLabel('Comment on the destroy of console-kept').fill('Still in use');
    await banner.getByRole('button', { name: 'Reject' }).click();

    // Assert: the message, the environment back to running, the rejected operation in its list
    await admin.getByText('Rejected the destroy of console-kept: nothing changed.').waitFor();
    await admin.locator('.facts .status-running').waitFor();
    expect(await banner.count()).toBe(0);
    await admin.getByRole('row').filter({ hasText: 'destroy' }).locator('.status-rejected').waitFor();
    await shoot(admin, 'approval-rejected');
    const env = await developer.call('GET', `/environments/${keptId}`);
    expect(env.body.status).toBe('running');

    // And a stale row: asked again, listed, withdrawn before the Administrator's answer (409)
    const again = await developer.call('DELETE', `/environments/${keptId}`);
    const againId = (again.body.operation as { id: string }).id;
    await admin.getByRole('link', { name: 'Approvals' }).click();
    const row = admin.getByRole('row').filter({ hasText: 'console-kept' });
    await row.waitFor();
    expect((await developer.call('POST', `/operations/${againId}/cancel`)).status).toBe(202);
    await row.getByRole('button', { name: 'Approve' }).click();
    await expect
      .poll(() => admin.getByRole('alert').textContent(), { timeout: 30_000 })
      .toBe(
        `Operation ${againId} is cancelled: only an operation awaiting approval can be approved or rejected`,
      );
    await admin.getByText('Nothing waits for your approval.').waitFor();
  });

  it('registers a webhook (the secret shown once, never in the list), sends a ping and shows its delivery', async () => {
    // Arrange: a loopback receiver (local mode allows loopback http targets)
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/console-hook`;
    try {
      const page = await signedIn('Developers');
      await page.getByRole('link', { name: 'Projects', exact: true }).click();
      await page.getByRole('link', { name: 'Webhooks of console' }).click();
      await page.getByText('No webhooks yet.').waitFor();

      // Act 1: register it
      await page.getByLabel('Endpoint URL').fill(url);
      await page.getByLabel('Events').fill('environment., deployment.failed');
      await page.getByLabel('Description').fill('Browser test');
      await page.getByRole('button', { name: 'Register webhook' }).click();

      // Assert 1: the secret once; the list (and a reload of it) shows the webhook without it
      const secret = String(await page.getByTestId('webhook-secret').locator('pre').textContent());
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const row = page.getByRole('table', { name: 'Webhooks' }).getByRole('row').filter({ hasText: url });
      expect(await row.getByRole('cell').allTextContents()).toEqual([
        expect.stringMatching(new RegExp(`^${url}wh_[0-9a-z]{26}$`)),
        'environment., deployment.failed',
        'yes',
        'Browser test',
        'Send testDeliveriesDisableDelete',
      ]);
      await page.getByRole('button', { name: 'I have stored it' }).click();
      expect(await page.content()).not.toContain(secret);
      await page.reload();
      await row.waitFor();
      expect(await page.content()).not.toContain(secret);

      // Act 2: send a ping
      await row.getByRole('button', { name: 'Send test' }).click();

      // Assert 2: its delivery in the status line and in the deliveries table, signed with the secret
      await expect
        .poll(() => page.getByRole('status').textContent(), { timeout: 15_000 })
        .toMatch(/^Ping evt_[0-9a-z]{26}: webhook\.ping succeeded: HTTP 200 in \d+ ms$/);
      const deliveries = page.getByRole('table', { name: /^Deliveries of wh_/ });
      const delivery = deliveries.getByRole('row').filter({ hasText: 'webhook.ping' });
      await delivery.waitFor();
      const cells = await delivery.getByRole('cell').allTextContents();
      expect(cells.slice(0, 5)).toEqual([
        expect.stringMatching(/^evt_[0-9a-z]{26}$/),
        'webhook.ping',
        'succeeded',
        '1',
        '200',
      ]);
      expect(received).toHaveLength(1);
      const [ping] = received;
      expect(ping?.headers['webhook-id']).toBe(cells[0]);
      const verified = new Webhook(secret).verify(String(ping?.body), {
        'webhook-id': String(ping?.headers['webhook-id']),
        'webhook-timestamp': String(ping?.headers['webhook-timestamp']),
        'webhook-signature': String(ping?.headers['webhook-signature']),
      });
      expect(verified).toMatchObject({ type: 'webhook.ping' });
      await shoot(page, 'webhooks');
      await row.getByRole('button', { name: 'Delete' }).click();
      await page.getByText('No webhooks yet.').waitFor();
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
