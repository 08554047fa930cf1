/**
 * The pure rules of pull-request previews (docs/decisions.md §46): the Git host signature over
 * the raw body, the repository syntax, the PR actions followed, and what a delivery or a
 * settled environment leads to.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PreviewSettingsInput } from '../../../functions/domain/inputs.ts';
import {
  hookDecision,
  hubSignature,
  previewActionOf,
  previewName,
  REPOSITORY_PATTERN,
  reconcileAction,
  verifyHubSignature,
} from '../../../functions/domain/preview-rules.ts';

const SECRET = 'f'.repeat(64);
const BODY = '{"action":"opened","number":7}';
const githubSignature = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('verifyHubSignature', () => {
  it('accepts GitHub’s sha256=<hex HMAC-SHA256 of the raw body>, in either hex case', () => {
    // Arrange
    const header = githubSignature(SECRET, BODY);
    // Act + Assert
    expect(verifyHubSignature(SECRET, BODY, header)).toBe(true);
    expect(verifyHubSignature(SECRET, Buffer.from(BODY), header)).toBe(true);
    expect(verifyHubSignature(SECRET, BODY, `sha256=${header.slice(7).toUpperCase()}`)).toBe(true);
    expect(hubSignature(SECRET, BODY)).toBe(header);
  });

  it('refuses another secret, another body (even one byte, or re-serialised JSON), and the SHA-1 header', () => {
    // Arrange
    const header = githubSignature(SECRET, BODY);
    // Act + Assert
    expect(verifyHubSignature('0'.repeat(64), BODY, header)).toBe(false);
    expect(verifyHubSignature(SECRET, `${BODY} `, header)).toBe(false);
    expect(verifyHubSignature(SECRET, JSON.stringify(JSON.parse(BODY), null, 2), header)).toBe(false);
    expect(
      verifyHubSignature(SECRET, BODY, `sha1=${createHmac('sha1', SECRET).update(BODY).digest('hex')}`),
    ).toBe(false);
  });

  it('refuses a wrong length (shorter, longer, empty), non-hex and a missing header without throwing', () => {
    // Arrange
    const hex = githubSignature(SECRET, BODY).slice(7);
    // Act + Assert
    expect(verifyHubSignature(SECRET, BODY, `sha256=${hex.slice(0, 62)}`)).toBe(false);
    expect(verifyHubSignature(SECRET, BODY, `sha256=${hex}00`)).toBe(false);
    expect(verifyHubSignature(SECRET, BODY, 'sha256=')).toBe(false);
    expect(verifyHubSignature(SECRET, BODY, `sha256=${'z'.repeat(64)}`)).toBe(false);
    expect(verifyHubSignature(SECRET, BODY, `sha256=${hex.slice(1)}`)).toBe(false);
    expect(verifyHubSignature(SECRET, BODY, undefined)).toBe(false);
    expect(verifyHubSignature(SECRET, BODY, null)).toBe(false);
    expect(verifyHubSignature(SECRET, BODY, hex)).toBe(false);
  });
});

describe('the settings', () => {
  it('take GitHub owner/name repositories only', () => {
    for (const good of ['acme/shop', 'a/b', 'my-org/my.repo_2', 'A1/.github']) {
      expect(REPOSITORY_PATTERN.test(good), good).toBe(true);
    }
    for (const bad of [
      'acme',
      'acme/',
      '/shop',
      'acme/shop/x',
      '-acme/shop',
      'acme-/shop',
      'ac--me/shop',
      'acme/sh op',
    ]) {
      expect(REPOSITORY_PATTERN.test(bad), bad).toBe(false);
    }
  });

  it('bound ttl_hours to 1..720 and fill enabled, parameters and ttl_hours', () => {
    // Act
    const filled = PreviewSettingsInput.parse({ template: 'minimal', repository: 'acme/shop' });
    // Assert
    expect(filled).toEqual({
      enabled: true,
      template: 'minimal',
      parameters: {},
      ttl_hours: 72,
      repository: 'acme/shop',
    });
    expect(PreviewSettingsInput.safeParse({ ...filled, ttl_hours: 0 }).success).toBe(false);
    expect(PreviewSettingsInput.safeParse({ ...filled, ttl_hours: 721 }).success).toBe(false);
    expect(PreviewSettingsInput.safeParse({ ...filled, ttl_hours: 720 }).success).toBe(true);
    expect(PreviewSettingsInput.safeParse({ ...filled, extra: 1 }).success).toBe(false);
  });
});

describe('previewActionOf', () => {
  it('opens on opened/reopened, updates on synchronize, closes on closed, ignores the rest', () => {
    expect(previewActionOf('opened')).toBe('open');
    expect(previewActionOf('reopened')).toBe('open');
    expect(previewActionOf('synchronize')).toBe('update');
    expect(previewActionOf('closed')).toBe('close');
    for (const other of ['edited', 'labeled', 'assigned', 'ready_for_review', 'converted_to_draft', '']) {
      expect(previewActionOf(other)).toBe('ignore');
    }
    expect(previewName(7)).toBe('pr-7');
  });
});

describe('hookDecision', () => {
  it('creates a preview when none is live (none, or destroyed), for open and update', () => {
    for (const action of ['open', 'update'] as const) {
      expect(hookDecision(action, null)).toBe('create');
      expect(hookDecision(action, { status: 'destroyed' })).toBe('create');
    }
  });

  it('records and reconciles a live preview; waits for one still being destroyed', () => {
    for (const status of ['running', 'provisioning', 'updating', 'stopped', 'failed'] as const) {
      expect(hookDecision('open', { status })).toBe('reconcile');
      expect(hookDecision('update', { status })).toBe('reconcile');
      expect(hookDecision('close', { status })).toBe('reconcile');
    }
    expect(hookDecision('open', { status: 'destroying' })).toBe('wait-destroyed');
  });

  it('ignores closing a PR with no live preview', () => {
    expect(hookDecision('close', null)).toBe('ignore');
    expect(hookDecision('close', { status: 'destroyed' })).toBe('ignore');
  });
});

describe('reconcileAction', () => {
  const open = { closed: false, wanted_sha: 'b'.repeat(40), requested_sha: 'a'.repeat(40) };
  const running = { status: 'running' as const, active_deployment_id: null };

  it('deploys a wanted SHA not asked for yet on a running, idle environment', () => {
    expect(reconcileAction(running, open)).toBe('deploy');
    expect(reconcileAction(running, { ...open, requested_sha: null })).toBe('deploy');
  });

  it('does not ask for the same SHA twice (a failed deployment waits for a new push)', () => {
    expect(reconcileAction(running, { ...open, requested_sha: open.wanted_sha })).toBe('none');
  });

  it('waits while an operation or a deployment runs, and deploys nothing to a stopped or failed one', () => {
    for (const status of ['provisioning', 'updating', 'starting', 'stopping', 'stopped', 'failed'] as const) {
      expect(reconcileAction({ status, active_deployment_id: null }, open), status).toBe('none');
    }
    expect(reconcileAction({ ...running, active_deployment_id: 'dep_1' }, open)).toBe('none');
  });

  it('destroys a closed PR’s settled preview (running, stopped, failed), not before it settles', () => {
    const closed = { ...open, closed: true };
    for (const status of ['running', 'stopped', 'failed'] as const) {
      expect(reconcileAction({ status, active_deployment_id: null }, closed), status).toBe('destroy');
    }
    expect(reconcileAction({ status: 'provisioning', active_deployment_id: null }, closed)).toBe('none');
    expect(reconcileAction({ ...running, active_deployment_id: 'dep_1' }, closed)).toBe('none');
    expect(reconcileAction({ status: 'destroying', active_deployment_id: null }, closed)).toBe('none');
    expect(reconcileAction({ status: 'destroyed', active_deployment_id: null }, closed)).toBe('none');
  });
});
