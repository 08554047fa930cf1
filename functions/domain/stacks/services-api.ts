/**
 * Stack kind `services-api`: a REST API (API Gateway) in front of a Lambda function that talks
 * to the database.
 */
import { LOWER_ALNUM } from '../random.ts';
import { needNumber, needString, needStrings } from './dependencies.ts';
import { type BuildContext, type Built, defineStack } from './kind.ts';
import { LAMBDA_VPC_POLICIES, lambdaFunction, logGroup, role } from './resources.ts';
import { logGroupSpec, roleSpec, spec } from './specs.ts';

export const definition = defineStack({
  name: 'services-api',
  description: 'REST API (API Gateway) backed by a Lambda function in the VPC that talks to the database',
  dependsOn: ['network', 'security', 'database-rds'],
  durationSeconds: { min: 40, max: 90 },
  destroyDurationSeconds: { min: 30, max: 60 },
  resources: [
    roleSpec('FunctionRole', 'Role of the API function: VPC access and the database secret'),
    logGroupSpec('FunctionLogGroup', 'Logs of the API function'),
    spec('Function', 'AWS::Lambda::Function', 'API function (Node.js, arm64) in the private subnets'),
    spec('RestApi', 'AWS::ApiGateway::RestApi', 'Regional REST API proxying to the function'),
    spec('ProdStage', 'AWS::ApiGateway::Stage', 'Stage `prod`, throttled'),
  ],
  outputs: ['api_id', 'api_endpoint', 'stage_name', 'function_name', 'function_arn', 'log_group_name'],
});

export function build(s: BuildContext): Built {
  const privateSubnets = needStrings(s, 'network', 'private_subnet_ids');
  const appSg = needString(s, 'security', 'app_security_group_id');
  const dbHost = needString(s, 'database-rds', 'endpoint');
  const dbPortValue = needNumber(s, 'database-rds', 'port');
  const dbName = needString(s, 'database-rds', 'db_name');
  const dbSecretArn = needString(s, 'database-rds', 'master_user_secret_arn');
  const functionName = `${s.stem}-api`;
  const functionRole = role(s, 'api-fn', 'lambda.amazonaws.com', LAMBDA_VPC_POLICIES, [
    {
      PolicyName: 'database-secret',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: dbSecretArn }],
      },
    },
  ]);
  const logs = logGroup(s, `/aws/lambda/${functionName}`, 30);
  const fn = lambdaFunction(s, functionName, functionRole.arn, privateSubnets, appSg, {
    DB_HOST: dbHost,
    DB_PORT: String(dbPortValue),
    DB_NAME: dbName,
    DB_SECRET_ARN: dbSecretArn,
  });
  const apiId = s.rng.string(LOWER_ALNUM, 10);
  const apiArn = `arn:aws:apigateway:${s.region}::/restapis/${apiId}`;
  const endpoint = `https://${apiId}.execute-api.${s.region}.amazonaws.com/prod`;
  return {
    resources: {
      FunctionRole: functionRole,
      FunctionLogGroup: logs,
      Function: fn,
      RestApi: {
        id: apiId,
        arn: apiArn,
        properties: {
          Name: `${s.stem}-api`,
          EndpointConfiguration: { Types: ['REGIONAL'] },
          RootResourceId: s.rng.string(LOWER_ALNUM, 10),
          ProxyIntegration: { Type: 'AWS_PROXY', FunctionArn: fn.arn },
        },
      },
      ProdStage: {
        id: 'prod',
        arn: `${apiArn}/stages/prod`,
        properties: {
          StageName: 'prod',
          RestApiId: apiId,
          DeploymentId: s.rng.string(LOWER_ALNUM, 6),
          TracingEnabled: true,
          MethodSettings: [
            { ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
          ],
        },
      },
    },
    outputs: {
      api_id: apiId,
      api_endpoint: endpoint,
      stage_name: 'prod',
      function_name: functionName,
      function_arn: fn.arn,
      log_group_name: logs.id,
    },
  };
}
