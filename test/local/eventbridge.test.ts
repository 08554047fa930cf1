/**
 * The local EventBridge bus through the real SDK client: PutEvents is answered as AWS
 * answers it (per-entry results), the notification rule picks failures and expiry
 * warnings only, and what it cannot do is refused rather than ignored.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_SOURCE } from '../../functions/domain/lifecycle-events.ts';
import { type LocalEventBridge, startEventBridge } from '../../local/eventbridge.ts';

let bus: LocalEventBridge;
let client: EventBridgeClient;

beforeAll(async () => {
  bus = await startEventBridge({ region: 'us-east-1', busName: 'test-bus', quiet: true });
  client = new EventBridgeClient({
    region: 'us-east-1',
    endpoint: bus.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client?.destroy();
  await bus?.stop();
});

const entry = (detailType: string, extra: Record<string, unknown> = {}) => ({
  EventBusName: 'test-bus',
  Source: EVENT_SOURCE,
  DetailType: detailType,
  Detail: JSON.stringify({ environment_id: 'env_x', detail: { name: 'app' }, ...extra }),
});

describe('the local event bus', () => {
  it('keeps what it receives and notifies only failures and expiry warnings', async () => {
    // Act
    const result = await client.send(
      new PutEventsCommand({
        Entries: [entry('Environment Running'), entry('Environment Failed'), entry('Environment Expiring')],
      }),
    );
    // Assert
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries?.every((e) => typeof e.EventId === 'string')).toBe(true);
    expect(bus.events.map((e) => e.detailType)).toEqual([
      'Environment Running',
      'Environment Failed',
      'Environment Expiring',
    ]);
    expect(bus.notifications.map((e) => e.detailType)).toEqual([
      'Environment Failed',
      'Environment Expiring',
    ]);
  });

  it('reports entries for another bus or without a JSON detail as failed, like PutEvents does', async () => {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          { ...entry('Environment Failed'), EventBusName: 'other' },
          { ...entry('Environment Failed'), Detail: 'not json' },
          entry('Deployment Rolled Back'),
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(2);
    expect(result.Entries?.map((e) => Boolean(e.ErrorCode))).toEqual([true, true, false]);
  });

  it('refuses more than ten entries, as EventBridge does', async () => {
    const entries = Array.from({ length: 11 }, () => entry('Environment Running'));
    await expect(client.send(new PutEventsCommand({ Entries: entries }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });
});
