/**
 * A run's log lines as they arrive from its stream, with filters by level and (when the run has
 * stacks) by stack: below the live run view and the deployment view.
 */
import { useState } from 'react';
import type { Schemas } from '../api.ts';
import { Section } from '../ui.tsx';

/** A line of the stream, with its event id (a stable React key). */
export type Line = Schemas['LogEvent'] & { id: string };

export function Logs({ lines, stacks }: { lines: Line[]; stacks: string[] }) {
  const [stack, setStack] = useState('');
  const [level, setLevel] = useState('');
  const shown = lines.filter((l) => (!stack || l.stack === stack) && (!level || l.level === level));
  return (
    <Section title="Logs">
      <div className="filters">
        {stacks.length > 0 ? (
          <label>
            Stack
            <select value={stack} onChange={(e) => setStack(e.target.value)}>
              <option value="">All stacks</option>
              {stacks.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
        ) : null}
        <label>
          Level
          <select value={level} onChange={(e) => setLevel(e.target.value)}>
            <option value="">Any level</option>
            <option>DEBUG</option>
            <option>INFO</option>
            <option>WARN</option>
            <option>ERROR</option>
          </select>
        </label>
      </div>
      <ol className="logs" aria-live="polite">
        {shown.map((l) => (
          <li key={l.id} className={`log log-${l.level}`}>
            <time>{new Date(l.timestamp).toLocaleTimeString()}</time> <span className="level">{l.level}</span>{' '}
            {l.stack ? <span className="log-stack">[{l.stack}]</span> : null} {l.message}
          </li>
        ))}
      </ol>
    </Section>
  );
}
