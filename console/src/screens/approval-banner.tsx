/**
 * The banner of an environment waiting for an approval: which operation, its plan (summary,
 * stacks and their change, setting changes, cost before → after), who asked, why and until
 * when; Approve / Reject for whoever the API lets answer, Cancel for the requester.
 */
import { useContext, useState } from 'react';
import { api, type Schemas, unwrap } from '../api.ts';
import { answerMessage, approvalButtons, costChange, settingValue } from '../approvals.ts';
import { Link, navigate } from '../router.tsx';
import { ErrorBox, MeContext, useLoad, when } from '../ui.tsx';
import { AnswerForm } from './approval-answer.tsx';

export function ApprovalBanner({
  environment,
  operationId,
  reloadKey,
  onChanged,
}: {
  environment: Schemas['Environment'];
  operationId: string;
  /** Changes when the page refreshes. */
  reloadKey: string;
  /** After a reject or a cancel: the page reloads. */
  onChanged: (message: string) => void;
}) {
  const me = useContext(MeContext);
  const op = useLoad(
    async () => unwrap(await api.GET('/operations/{op_id}', { params: { path: { op_id: operationId } } })),
    `${operationId}|${reloadKey}`,
  );
  // The project's named approvers (a Developer may be one); Administrators need no look-up.
  const project = useLoad(
    async () =>
      me?.role === 'Developers'
        ? unwrap(
            await api.GET('/projects/{project_id}', {
              params: { path: { project_id: environment.project_id } },
            }),
          )
        : undefined,
    `${environment.project_id}|${me?.role ?? ''}`,
  );
  const [error, setError] = useState<string>();
  const o = op.data;
  if (!o) return <ErrorBox message={op.error} />;
  if (o.status !== 'awaiting_approval') return null;
  const buttons = approvalButtons(me, o, project.data?.approval_policy?.approvers);
  const plan = o.plan;
  const mine = o.requested_by === me?.user_id;

  async function cancel() {
    try {
      setError(undefined);
      unwrap(await api.POST('/operations/{op_id}/cancel', { params: { path: { op_id: operationId } } }));
      onChanged(`Cancelled the ${o?.kind} request: nothing changed.`);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  return (
    <section className="card banner" aria-label="Awaiting approval">
      <h2>
        Awaiting approval: <Link to={`/operations/${o.id}`}>{o.kind}</Link>
      </h2>
      <p>
        Requested by {mine ? 'you' : <span className="mono">{o.requested_by}</span>} at{' '}
        {when(o.approval?.requested_at ?? o.started_at)}
        {o.approval?.reason ? ` — ${o.approval.reason}` : ''}. Expires {when(o.approval?.expires_at)}: without
        an answer by then nothing changes.
      </p>
      {plan ? (
        <div className="approval-plan">
          <p data-testid="approval-plan-summary">
            <strong>{plan.summary}</strong>
          </p>
          <p>Cost: {costChange(plan)}</p>
          {plan.stacks.length > 0 ? (
            <ul className="plan-stacks" aria-label="Stacks">
              {plan.stacks.map((s) => (
                <li key={s.name}>
                  {s.name} <span className="muted">layer {s.layer}</span>:{' '}
                  <span className={`change change-${s.change}`}>{s.change}</span>
                </li>
              ))}
            </ul>
          ) : null}
          {plan.changes.length > 0 ? (
            <ul className="plan-changes" aria-label="Setting changes">
              {plan.changes.map((c) => (
                <li key={c.name}>
                  {c.name}: {settingValue(c.from)} → {settingValue(c.to)}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {buttons.answer ? (
        <AnswerForm
          operationId={o.id}
          label={`the ${o.kind} of ${environment.name}`}
          onError={setError}
          onAnswered={(answer, operation) => {
            if (answer === 'approve') navigate(`/operations/${operation.id}`);
            else onChanged(answerMessage(answer, o.kind, environment.name));
          }}
        />
      ) : null}
      {buttons.cancel ? (
        <button type="button" onClick={() => void cancel()}>
          Cancel request
        </button>
      ) : null}
      <ErrorBox message={error} />
    </section>
  );
}
