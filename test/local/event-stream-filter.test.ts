/**
 * The local stream poller applies the event source mapping's filter (`EVENT_STREAM_FILTER`,
 * the one CDK deploys) the way Lambda does, and the publisher's own check agrees with it:
 * only inserted event items are lifecycle events to publish.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { EVENT_STREAM_FILTER } from '../../functions/data/table-design.ts';
import { isEventInsert } from '../../functions/events/publish-events.ts';
import { matchesFilter } from '../../local/runtime/event-stream.ts';

const record = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', sk: string): DynamoDBRecord => ({
  eventName,
  dynamodb: { Keys: { PK: { S: 'ENV#env_1' }, SK: { S: sk } }, SequenceNumber: '1' },
});

describe('the event stream filter', () => {
  it.each([
    ['INSERT', 'EVT#2026-12-01T00:00:00.000Z#evt_1', true],
    ['MODIFY', 'EVT#2026-12-01T00:00:00.000Z#evt_1', false],
    ['REMOVE', 'EVT#2026-12-01T00:00:00.000Z#evt_1', false],
    ['INSERT', 'ENV', false],
    ['INSERT', 'LOG#2026-12-01T00:00:00.000Z#x', false],
    ['INSERT', 'STACK#network', false],
  ] as const)('%s of %s: %s, for the poller and the publisher alike', (eventName, sk, expected) => {
    // Arrange
    const r = record(eventName, sk);
    // Act + assert
    expect(matchesFilter(EVENT_STREAM_FILTER, r)).toBe(expected);
    expect(isEventInsert(r)).toBe(expected);
  });

  it('refuses a record without keys', () => {
    expect(matchesFilter(EVENT_STREAM_FILTER, { eventName: 'INSERT' })).toBe(false);
  });
});
