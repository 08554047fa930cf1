/**
 * The CDK app: the stateful stack (the table), the stateless stack (everything else)
 * and cdk-nag's AwsSolutions checks, which fail the synth on any unacknowledged finding.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiStack } from '../lib/api-stack.ts';
import { StatefulStack } from '../lib/stateful-stack.ts';

const app = new App();

const stateful = new StatefulStack(app, 'EnvProvisioning-Stateful', {
  description: 'Cloud Environment Provisioning API: data (DynamoDB table)',
});
new ApiStack(app, 'EnvProvisioning-Api', {
  description: 'Cloud Environment Provisioning API: API Gateway, Lambda, Step Functions, Cognito',
  table: stateful.table,
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
