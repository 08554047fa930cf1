/**
 * The local EventBridge bus: answers `PutEvents` (AWS JSON 1.1, what the SDK's
 * EventBridgeClient sends to `EVENTBRIDGE_ENDPOINT`), keeps what it receives, and applies
 * the one rule the CDK app has on the bus: failures and expiry warnings go to the
 * notification topic, whose email subscribers are stood in for by a console line and
 * `notifications.jsonl`. The handlers publish exactly as they do in AWS.
 *
 * Like EventBridge, the bus keeps every entry it is given, a repeated one included; the
 * notification target, a consumer, deduplicates on the lifecycle event's id (`detail.id`,
 * docs/decisions.md §35), across restarts too (the ids in `notifications.jsonl`).
 *
 * Hand-written rather than a library: the only EventBridge emulators on npm come with
 * LocalStack (Docker), and PutEvents plus one detail-type rule is a few lines.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { detailTypeOf, EVENT_SOURCE, NOTIFIED_EVENT_TYPES } from '../functions/domain/lifecycle-events.ts';
import { closeServer, LOOPBACK, listen, readBody } from './net.ts';

/** An event as the bus received it. */
export interface BusEvent {
  id: string;
  source: string;
  detailType: string;
  time: string;
  detail: Record<string, unknown>;
}

export interface LocalEventBridgeOptions {
  region: string;
  busName: string;
  /** Where `events.jsonl` and `notifications.jsonl` go; nothing is written without it. */
  dir?: string;
  quiet?: boolean;
}

export interface LocalEventBridge {
  endpoint: string;
  busName: string;
  /** What the bus received, oldest first (this run only). */
  events: BusEvent[];
  /** What the notification rule matched, once per lifecycle event id: what the topic would email (this run only). */
  notifications: BusEvent[];
  stop(): Promise<void>;
}

/** PutEvents' documented limits: 10 entries, 256 KiB per request. */
const MAX_ENTRIES = 10;
const MAX_BODY_BYTES = 256 * 1024;

const NOTIFIED = new Set(NOTIFIED_EVENT_TYPES.map(detailTypeOf));

/** The notification rule of lib/notifications.ts: this product's source, a notified detail-type. */
export function matchesNotificationRule(event: Pick<BusEvent, 'source' | 'detailType'>): boolean {
  return event.source === EVENT_SOURCE && NOTIFIED.has(event.detailType);
}

interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Time?: number;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify(body));
}

function fail(res: ServerResponse, type: string, message: string): void {
  send(res, 400, { __type: type, message });
}

export async function startEventBridge(options: LocalEventBridgeOptions): Promise<LocalEventBridge> {
  const events: BusEvent[] = [];
  const notifications: BusEvent[] = [];
  const busArn = `arn:aws:events:${options.region}:000000000000:event-bus/${options.busName}`;
  if (options.dir) await mkdir(options.dir, { recursive: true });
  let counter = 0;
  /** Lifecycle event ids the notification target has had (it tells a person once per event). */
  const notifiedIds = new Set<string>();
  if (options.dir) {
    const earlier = await readFile(join(options.dir, 'notifications.jsonl'), 'utf8').catch(() => '');
    for (const line of earlier.split('\n')) {
      if (!line.trim()) continue;
      try {
        const id = (JSON.parse(line) as BusEvent).detail.id;
        if (typeof id === 'string') notifiedIds.add(id);
      } catch {
        // A line cut short by a crash: nothing to remember.
      }
    }
  }

  const keep = async (event: BusEvent): Promise<void> => {
    events.push(event);
    if (options.dir) await appendFile(join(options.dir, 'events.jsonl'), `${JSON.stringify(event)}\n`);
    if (!matchesNotificationRule(event)) return;
    const eventId = event.detail.id;
    if (typeof eventId === 'string') {
      if (notifiedIds.has(eventId)) return;
      notifiedIds.add(eventId);
    }
    notifications.push(event);
    if (options.dir) await appendFile(join(options.dir, 'notifications.jsonl'), `${JSON.stringify(event)}\n`);
    if (!options.quiet) {
      const d = event.detail as { environment_id?: string; detail?: { name?: string; error?: string } };
      const why = d.detail?.error ? `: ${d.detail.error}` : '';
      console.log(`[notify] ${event.detailType} · ${d.environment_id ?? '?'} ${d.detail?.name ?? ''}${why}`);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = req.headers['x-amz-target'];
    if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
      fail(
        res,
        'UnknownOperationException',
        `The local event bus only answers PutEvents (got ${String(target)})`,
      );
      return;
    }
    let input: { Entries?: PutEventsEntry[] };
    try {
      input = JSON.parse((await readBody(req, MAX_BODY_BYTES)).toString('utf8')) as {
        Entries?: PutEventsEntry[];
      };
    } catch {
      fail(res, 'ValidationException', 'The request is not valid JSON or exceeds 256 KiB');
      return;
    }
    const entries = input.Entries ?? [];
    if (entries.length === 0 || entries.length > MAX_ENTRIES) {
      fail(res, 'ValidationException', `Entries must have 1 to ${MAX_ENTRIES} items`);
      return;
    }
    const results: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[] = [];
    for (const entry of entries) {
      const bus = entry.EventBusName ?? 'default';
      if (bus !== options.busName && bus !== busArn) {
        results.push({ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: `No bus named ${bus}` });
        continue;
      }
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail ?? '');
      } catch {
        detail = undefined;
      }
      if (!entry.Source || !entry.DetailType || typeof detail !== 'object' || detail === null) {
        results.push({
          ErrorCode: 'MalformedDetail',
          ErrorMessage: 'Source, DetailType and a JSON object Detail are required',
        });
        continue;
      }
      counter += 1;
      const id = `local-${Date.now()}-${counter}`;
      await keep({
        id,
        source: entry.Source,
        detailType: entry.DetailType,
        time: new Date(entry.Time ? entry.Time * 1000 : Date.now()).toISOString(),
        detail: detail as Record<string, unknown>,
      });
      results.push({ EventId: id });
    }
    send(res, 200, { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { __type: 'InternalException', message: String(error) });
    });
  });
  const port = await listen(server, 0);
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    busName: options.busName,
    events,
    notifications,
    stop: () => closeServer(server),
  };
}
