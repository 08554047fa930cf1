import { describe, expect, it } from 'vitest';
import { formatSseEvent, formatSseRetry, parseSse, SSE_KEEP_ALIVE } from '../../../functions/api/http/sse.ts';

describe('formatSseEvent', () => {
  it('writes id, event and one data line of JSON, then a blank line', () => {
    // Arrange
    const event = { id: 'a#1', type: 'log' as const, data: { line: { message: 'two\nlines' } } };

    // Act
    const text = formatSseEvent(event);

    // Assert
    expect(text).toBe('id: a#1\nevent: log\ndata: {"line":{"message":"two\\nlines"}}\n\n');
  });

  it('leaves the id out when it is empty', () => {
    // Arrange, Act
    const text = formatSseEvent({ id: '', type: 'reconnect', data: { retry_ms: 1000 } });

    // Assert
    expect(text).toBe('event: reconnect\ndata: {"retry_ms":1000}\n\n');
  });
});

describe('parseSse', () => {
  it('reads back events, skipping comments and retry lines', () => {
    // Arrange
    const text = `${formatSseRetry(1000)}${SSE_KEEP_ALIVE}${formatSseEvent({ id: 'x', type: 'end', data: { status: 'succeeded' } })}`;

    // Act
    const events = parseSse(text);

    // Assert
    expect(events).toEqual([{ id: 'x', event: 'end', data: '{"status":"succeeded"}' }]);
  });
});
