/**
 * The AWS SDK clients, each created once per container on first use and wrapped by
 * Powertools Tracer (an X-Ray subsegment per call). Region and endpoint overrides (the
 * local stand-ins) come from configuration; nothing here knows where it runs.
 *
 * One module for all four: the SDK packages are free of side effects, so a bundle keeps
 * only the clients its code calls for.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { authConfig, eventsConfig, regionConfig, sfnConfig, tableConfig } from './config.ts';
import { tracer } from './tracer.ts';

/** Created on the first call; the same instance afterwards. */
function once<T>(create: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= create();
    return value;
  };
}

/** Region and, when configured, the endpoint of a local stand-in. */
function clientConfig(endpoint: string | undefined) {
  return { region: regionConfig().AWS_REGION, ...(endpoint ? { endpoint } : {}) };
}

/** The DynamoDB document client (undefined attributes dropped, empty strings kept). */
export const dynamoDb = once(() =>
  DynamoDBDocumentClient.from(
    tracer.captureAWSv3Client(new DynamoDBClient(clientConfig(tableConfig().DYNAMODB_ENDPOINT))),
    { marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false } },
  ),
);

/** Step Functions, to start workflows. */
export const stepFunctions = once(() =>
  tracer.captureAWSv3Client(new SFNClient(clientConfig(sfnConfig().SFN_ENDPOINT))),
);

/** EventBridge, to publish lifecycle events. */
export const eventBridge = once(() =>
  tracer.captureAWSv3Client(new EventBridgeClient(clientConfig(eventsConfig().EVENTBRIDGE_ENDPOINT))),
);

/** The Cognito user pool the auth routes proxy to. */
export const cognito = once(() =>
  tracer.captureAWSv3Client(new CognitoIdentityProviderClient(clientConfig(authConfig().COGNITO_ENDPOINT))),
);
