/**
 * Approvals (issue 14): the operations of protected environments waiting for an answer the
 * signed-in user may give (GET /approvals: Administrators, or approvers a project names; never
 * their own requests), each with its plan, expiry, a comment and Approve / Reject. An answered
 * row goes and a status message says what happened; a refused answer shows the API's detail and
 * reloads the list.
 */
import { useState } from 'react';
import { api, unwrap } from '../api.ts';
import { answerMessage } from '../approvals.ts';
import { Link } from '../router.tsx';
import { ErrorBox, Pager, Section, useCanWrite, useLoad, when } from '../ui.tsx';
import { AnswerForm } from './approval-answer.tsx';

const PAGE = 20;

export function Approvals() {
  const canWrite = useCanWrite();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const [tick, setTick] = useState(0);
  const page = useLoad(
    async () =>
      unwrap(
        await api.GET('/approvals', { params: { query: { limit: PAGE, ...(cursor ? { cursor } : {}) } } }),
      ),
    `${cursor ?? ''}|${tick}`,
  );
  const [answered, setAnswered] = useState<ReadonlySet<string>>(new Set());
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  const items = (page.data?.items ?? []).filter((item) => !answered.has(item.operation.id));

  return (
    <Section
      title="Approvals"
      actions={
        <button type="button" onClick={() => setTick((t) => t + 1)}>
          Refresh
        </button>
      }
    >
      {message ? (
        <p className="notice" role="status">
          {message}
        </p>
      ) : null}
      <ErrorBox message={page.error ?? error} />
      {page.data && items.length === 0 ? <p className="muted">Nothing waits for your approval.</p> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Environment</th>
                <th scope="col">Kind</th>
                <th scope="col">Requested by</th>
                <th scope="col">Reason</th>
                <th scope="col">Plan</th>
                <th scope="col">Expires</th>
                {canWrite ? <th scope="col">Answer</th> : null}
              </tr>
            </thead>
            <tbody>
              {items.map(({ operation: op, environment: env }) => (
                <tr key={op.id} data-operation={op.id}>
                  <td>
                    <Link to={`/environments/${env.id}`}>{env.name}</Link>
                  </td>
                  <td>
                    <Link to={`/operations/${op.id}`}>{op.kind}</Link>
                  </td>
                  <td className="mono">{op.requested_by}</td>
                  <td>{op.approval?.reason ?? op.reason ?? '—'}</td>
                  <td>{op.plan?.summary ?? '—'}</td>
                  <td>{when(op.approval?.expires_at)}</td>
                  {canWrite ? (
                    <td>
                      <AnswerForm
                        operationId={op.id}
                        label={`the ${op.kind} of ${env.name}`}
                        onError={(message) => {
                          setError(message);
                          // A 409 means the row is stale (answered, cancelled, expired): reload.
                          if (message) setTick((t) => t + 1);
                        }}
                        onAnswered={(answer) => {
                          setAnswered((all) => new Set([...all, op.id]));
                          setMessage(answerMessage(answer, op.kind, env.name));
                        }}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager cursors={cursors} setCursors={setCursors} next={page.data?.next_cursor} />
    </Section>
  );
}
