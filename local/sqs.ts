/**
 * The local webhook queue (docs/decisions.md §45): answers SQS's `SendMessage` and
 * `SendMessageBatch` (AWS JSON 1.0, what the SDK's SQSClient sends to `SQS_ENDPOINT`) and hands
 * each message, in order, to the webhook sender (`functions/events/send-webhook.ts`) with the
 * event shape Lambda's SQS event source mapping gives it. The handlers send exactly as in AWS.
 *
 * It also answers `ChangeMessageVisibility`: a message the handler reports as failed comes back
 * after the visibility the handler set for it (the sender's retry backoff, scaled by the time
 * scale through WEBHOOK_RETRY_SCALE), with its receive count up; one reported without a
 * visibility, or after 10 receives (the AWS queue's dead-letter limit), is logged and dropped.
 * In memory only: messages queued or waiting when local mode stops are lost.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { closeServer, LOOPBACK, listen, readBody } from './net.ts';

/** The local queue's name (its URL ends with it). */
export const LOCAL_WEBHOOK_QUEUE_NAME = 'webhook-deliveries';
/** The AWS queue's receive limit before its dead-letter queue (lib/webhook-sender.ts). */
const MAX_RECEIVES = 10;
/** SQS's documented limit: 256 KiB per request. */
const MAX_BODY_BYTES = 256 * 1024;

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export interface LocalSqsOptions {
  region: string;
  /** The sender (loaded lazily, after the handlers' environment is set). */
  handler: () => Promise<SqsHandler>;
  quiet?: boolean;
}

export interface LocalSqs {
  endpoint: string;
  queueUrl: string;
  /** Resolves once every message queued before the call has been handled. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

interface Entry {
  Id?: string;
  MessageBody?: string;
}

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify(body));
}

export async function startLocalSqs(options: LocalSqsOptions): Promise<LocalSqs> {
  const arn = `arn:aws:sqs:${options.region}:000000000000:${LOCAL_WEBHOOK_QUEUE_NAME}`;
  /** The chain every message is handled on, one after the other (a FIFO in effect). */
  let tail: Promise<void> = Promise.resolve();
  /** The visibility (seconds) the handler set per receipt handle. */
  const visibility = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  // Once stopping, a message handed back is dropped rather than scheduled again.
  let stopping = false;

  const handleOne = async (body: string, messageId: string, receives: number): Promise<void> => {
    const receiptHandle = `${messageId}#${receives}`;
    const record: SQSRecord = {
      messageId,
      receiptHandle,
      body,
      attributes: {
        ApproximateReceiveCount: String(receives),
        SentTimestamp: String(Date.now()),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: md5(body),
      eventSource: 'aws:sqs',
      eventSourceARN: arn,
      awsRegion: options.region,
    };
    try {
      const handler = await options.handler();
      const result = await handler({ Records: [record] });
      if ((result?.batchItemFailures ?? []).length === 0) return;
      const seconds = visibility.get(receiptHandle);
      visibility.delete(receiptHandle);
      if (seconds === undefined || receives >= MAX_RECEIVES || stopping) {
        if (!options.quiet) console.error(`[sqs] webhook message ${messageId} failed: dropped`);
        return;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        tail = tail.then(() => handleOne(body, messageId, receives + 1));
      }, seconds * 1000);
      timers.add(timer);
    } catch (error) {
      if (!options.quiet) console.error(`[sqs] webhook message ${messageId} failed:`, error);
    }
  };

  const enqueue = (body: string): string => {
    const messageId = randomUUID();
    tail = tail.then(() => handleOne(body, messageId, 1));
    return messageId;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = String(req.headers['x-amz-target'] ?? '');
    let input: {
      MessageBody?: string;
      Entries?: Entry[];
      ReceiptHandle?: string;
      VisibilityTimeout?: number;
    };
    try {
      input = JSON.parse((await readBody(req, MAX_BODY_BYTES)).toString('utf8')) as typeof input;
    } catch {
      send(res, 400, {
        __type: 'com.amazonaws.sqs#InvalidParameterValue',
        message: 'Not JSON, or over 256 KiB',
      });
      return;
    }
    if (target === 'AmazonSQS.ChangeMessageVisibility' && typeof input.ReceiptHandle === 'string') {
      visibility.set(input.ReceiptHandle, Number(input.VisibilityTimeout ?? 0));
      send(res, 200, {});
      return;
    }
    if (target === 'AmazonSQS.SendMessage' && typeof input.MessageBody === 'string') {
      const body = input.MessageBody;
      send(res, 200, { MessageId: enqueue(body), MD5OfMessageBody: md5(body) });
      return;
    }
    if (
      target === 'AmazonSQS.SendMessageBatch' &&
      Array.isArray(input.Entries) &&
      input.Entries.length <= 10
    ) {
      const Successful = input.Entries.map((entry) => {
        const body = String(entry.MessageBody ?? '');
        return { Id: entry.Id, MessageId: enqueue(body), MD5OfMessageBody: md5(body) };
      });
      send(res, 200, { Successful, Failed: [] });
      return;
    }
    send(res, 400, {
      __type: 'com.amazonaws.sqs#UnsupportedOperation',
      message: `The local queue answers SendMessage, SendMessageBatch and ChangeMessageVisibility only (got ${target})`,
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { __type: 'InternalError', message: String(error) });
    });
  });
  const port = await listen(server, 0);
  const endpoint = `http://${LOOPBACK}:${port}`;
  return {
    endpoint,
    queueUrl: `${endpoint}/000000000000/${LOCAL_WEBHOOK_QUEUE_NAME}`,
    drain: () => tail,
    stop: async () => {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      // The messages in hand finish first: their handler still talks to this endpoint
      // (ChangeMessageVisibility), so it closes after them.
      await tail;
      await closeServer(server);
    },
  };
}
