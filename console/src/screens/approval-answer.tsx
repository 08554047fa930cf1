/**
 * Approve / Reject an operation waiting for approval, with an optional comment: on the Approvals
 * screen (a row each) and in the banner of an environment's page.
 */
import { useState } from 'react';
import { api, type Schemas, unwrap } from '../api.ts';
import type { Answer } from '../approvals.ts';

export function AnswerForm({
  operationId,
  label,
  onAnswered,
  onError,
}: {
  operationId: string;
  /** What is answered, for the comment field's label (`the destroy of shop-prod`). */
  label: string;
  onAnswered: (answer: Answer, operation: Schemas['Operation']) => void;
  onError: (message: string | undefined) => void;
}) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);

  async function answer(kind: Answer) {
    setBusy(true);
    onError(undefined);
    const request = {
      params: { path: { op_id: operationId } },
      body: comment.trim() ? { comment: comment.trim() } : {},
    };
    try {
      const result =
        kind === 'approve'
          ? unwrap(await api.POST('/operations/{op_id}/approve', request))
          : unwrap(await api.POST('/operations/{op_id}/reject', request));
      onAnswered(kind, result.operation);
    } catch (failure) {
      onError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="answer">
      <label>
        Comment <span className="muted">(optional)</span>
        <input
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          aria-label={`Comment on ${label}`}
          maxLength={1000}
        />
      </label>
      <button type="button" disabled={busy} onClick={() => void answer('approve')}>
        Approve
      </button>
      <button type="button" className="danger" disabled={busy} onClick={() => void answer('reject')}>
        Reject
      </button>
    </div>
  );
}
