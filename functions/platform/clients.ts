/**
 * The AWS SDK clients, each created once per container on first use and wrapped by
 * Powertools Tracer (an X-Ray subsegment per call). Region and endpoint overrides (the
 * local stand-ins) come from configuration; nothing here knows where it runs.
 *
 * The SDK client packages are free of side effects, so a bundle keeps only the clients its
 * code calls for. The DynamoDB document client is built on {@link dynamoDb} in
 * `data/client.ts`, next to the stores: `@aws-sdk/lib-dynamodb` is not marked free of side
 * effects, so importing it here would put it into the bundles of functions that never touch
 * the table. The plain client is here for the idempotency records (`app/idempotency-store.ts`).
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  eventsConfig,
  regionConfig,
  sfnConfig,
  tableConfig,
  userPoolConfig,
  webhookQueueConfig,
} from './config.ts';
import { tracer } from './tracer.ts';

/** Region and, when configured, the endpoint of a local stand-in. */
export function clientConfig(endpoint: string | undefined) {
  return { region: regionConfig().AWS_REGION, ...(endpoint ? { endpoint } : {}) };
}

// Plain lazy functions (not a shared `once()` wrapper called at module scope): esbuild drops
// a function nobody calls, with its SDK client, but keeps any top-level call.
let sfn: SFNClient | undefined;
let events: EventBridgeClient | undefined;
let identity: CognitoIdentityProviderClient | undefined;
let dynamodb: DynamoDBClient | undefined;
let sqsClient: SQSClient | undefined;

/** DynamoDB (the single table): the stores' document client wraps this one. */
export function dynamoDb(): DynamoDBClient {
  dynamodb ??= tracer.captureAWSv3Client(new DynamoDBClient(clientConfig(tableConfig().DYNAMODB_ENDPOINT)));
  return dynamodb;
}

/** Step Functions, to start workflows. */
export function stepFunctions(): SFNClient {
  sfn ??= tracer.captureAWSv3Client(new SFNClient(clientConfig(sfnConfig().SFN_ENDPOINT)));
  return sfn;
}

/** EventBridge, to publish lifecycle events. */
export function eventBridge(): EventBridgeClient {
  events ??= tracer.captureAWSv3Client(
    new EventBridgeClient(clientConfig(eventsConfig().EVENTBRIDGE_ENDPOINT)),
  );
  return events;
}

/** The Cognito user pool the auth routes proxy to (and the service accounts' admin calls go to). */
export function cognito(): CognitoIdentityProviderClient {
  identity ??= tracer.captureAWSv3Client(
    new CognitoIdentityProviderClient(clientConfig(userPoolConfig().COGNITO_ENDPOINT)),
  );
  return identity;
}

/** SQS: the webhook messages between the fan-out and the sender (docs/decisions.md §45). */
export function sqs(): SQSClient {
  sqsClient ??= tracer.captureAWSv3Client(new SQSClient(clientConfig(webhookQueueConfig().SQS_ENDPOINT)));
  return sqsClient;
}
