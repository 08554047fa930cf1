/** The audit log (GET /audit), for Administrators: who changed what, newest first, by pages. */
import { useState } from 'react';
import { api, unwrap } from '../api.ts';
import { ErrorBox, Pager, Section, useLoad, when } from '../ui.tsx';

export function Audit() {
  const [actor, setActor] = useState('');
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const page = useLoad(
    async () =>
      unwrap(
        await api.GET('/audit', {
          params: { query: { limit: 50, ...(cursor ? { cursor } : {}), ...(actor ? { actor } : {}) } },
        }),
      ),
    `${actor}|${cursor ?? ''}`,
  );
  return (
    <Section title="Audit log">
      <div className="filters">
        <label>
          Actor (user id)
          <input
            value={actor}
            onChange={(e) => {
              setActor(e.target.value.trim());
              setCursors([undefined]);
            }}
          />
        </label>
      </div>
      <ErrorBox message={page.error} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Request</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {page.data?.items.map((entry) => (
              <tr key={entry.id}>
                <td>{when(entry.timestamp)}</td>
                <td>
                  {entry.actor_email ?? entry.actor_id} <span className="muted">({entry.role})</span>
                </td>
                <td>{entry.action}</td>
                <td className="mono">
                  {entry.method} {entry.path}
                </td>
                <td>
                  {entry.status} {entry.outcome}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager cursors={cursors} setCursors={setCursors} next={page.data?.next_cursor} />
    </Section>
  );
}
