/**
 * Pull-request preview environments (docs/decisions.md §46): the pure rules. The Git host's
 * signature over the raw body, the name of a PR's environment, and what a `pull_request`
 * delivery or a settled environment leads to. No store, no HTTP: the use cases in
 * `use-cases/previews.ts` sequence them.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { IN_PROGRESS_STATUSES } from './lifecycle.ts';
import type { EnvironmentRecord, PreviewRecord } from './model.ts';

/** Bytes of a generated Git host secret (shown as 64 hex digits). */
export const PREVIEW_SECRET_BYTES = 32;

/**
 * GitHub's `owner/name`: an owner of alphanumerics and single inner hyphens, a name of
 * alphanumerics, `.`, `_` and `-` (no lookahead, so that the OpenAPI pattern stays generable).
 */
export const REPOSITORY_PATTERN = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\/[A-Za-z0-9._-]{1,100}$/;

/** The preview environment of pull request `number`. */
export const previewName = (number: number): string => `pr-${number}`;

/**
 * Whether `header` (`X-Hub-Signature-256: sha256=<hex>`) is the HMAC-SHA256 of `rawBody` with
 * `secret`. Constant time: lengths are compared first (timingSafeEqual needs equal lengths),
 * then the bytes. Anything malformed is simply false.
 */
export function verifyHubSignature(
  secret: string,
  rawBody: Buffer | string,
  header: string | undefined | null,
): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const given = header.slice('sha256='.length);
  if (!/^[0-9a-fA-F]*$/.test(given)) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const actual = Buffer.from(given, 'hex');
  if (actual.length !== expected.length) return false;
  return timingSafeEqual(actual, expected);
}

/** `sha256=<hex>` of `rawBody` with `secret`: what GitHub sends (tests and the README sign with it). */
export function hubSignature(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** The `pull_request` actions a preview follows; every other one is ignored (202). */
export type PreviewAction = 'open' | 'update' | 'close' | 'ignore';

export function previewActionOf(action: string): PreviewAction {
  switch (action) {
    case 'opened':
    case 'reopened':
      return 'open';
    case 'synchronize':
      return 'update';
    case 'closed':
      return 'close';
    default:
      return 'ignore';
  }
}

/**
 * What a delivery does to a PR whose environment is `environment` (null: none, or destroyed):
 * - `create`: a new `pr-<n>` (opened/reopened/synchronize with no live preview);
 * - `reconcile`: the wish (SHA to run, or destroy) is recorded, then {@link reconcileAction} acts
 *   now if the environment is settled, or the events consumer acts once it is;
 * - `ignore`: nothing to do (closing a PR with no live preview);
 * - `wait-destroyed`: the previous preview is still being destroyed: the delivery is refused (409),
 *   GitHub's redeliver works once it is gone.
 */
export function hookDecision(
  action: Exclude<PreviewAction, 'ignore'>,
  environment: Pick<EnvironmentRecord, 'status'> | null,
): 'create' | 'reconcile' | 'ignore' | 'wait-destroyed' {
  const live = environment !== null && environment.status !== 'destroyed';
  if (action === 'close') return live ? 'reconcile' : 'ignore';
  if (!live) return 'create';
  if (environment.status === 'destroying') return 'wait-destroyed';
  return 'reconcile';
}

/**
 * What a preview's environment needs now, from its record and the preview's wish: destroy it
 * (the PR closed), deploy the wanted SHA (not asked for yet), or nothing (done, or busy: an operation or a
 * deployment in progress — the events consumer asks again once it is settled; a stopped or failed
 * preview deploys nothing until it runs again).
 */
export function reconcileAction(
  environment: Pick<EnvironmentRecord, 'status' | 'active_deployment_id'>,
  preview: Pick<PreviewRecord, 'closed' | 'wanted_sha' | 'requested_sha'>,
): 'destroy' | 'deploy' | 'none' {
  const busy = IN_PROGRESS_STATUSES.includes(environment.status) || Boolean(environment.active_deployment_id);
  if (environment.status === 'destroyed' || environment.status === 'destroying') return 'none';
  if (preview.closed) return busy ? 'none' : 'destroy';
  if (busy || environment.status !== 'running') return 'none';
  // Each SHA is asked for once: a failed deployment is not retried until a new push.
  if (preview.wanted_sha && preview.wanted_sha !== preview.requested_sha) return 'deploy';
  return 'none';
}
