/**
 * Stack kind `compute-lambda`: a Lambda function run on a schedule.
 */
import { needString, needStrings } from './dependencies.ts';
import { type BuildContext, type Built, defineStack } from './kind.ts';
import { arnOf } from './naming.ts';
import { LAMBDA_VPC_POLICIES, lambdaFunction, logGroup, role } from './resources.ts';
import { logGroupSpec, roleSpec, spec } from './specs.ts';

export const definition = defineStack({
  name: 'compute-lambda',
  description: 'A scheduled Lambda function in the private subnets',
  dependsOn: ['network', 'security'],
  durationSeconds: { min: 30, max: 75 },
  destroyDurationSeconds: { min: 30, max: 90 },
  resources: [
    roleSpec('FunctionRole', 'Role of the function: VPC access and logs'),
    logGroupSpec('FunctionLogGroup', 'Logs of the function'),
    spec('Function', 'AWS::Lambda::Function', 'Worker function (Node.js, arm64) in the private subnets'),
    spec('ScheduleRule', 'AWS::Events::Rule', 'Runs the function every 5 minutes'),
  ],
  outputs: ['function_name', 'function_arn', 'role_arn', 'log_group_name', 'schedule_rule_arn'],
});

export function build(s: BuildContext): Built {
  const privateSubnets = needStrings(s, 'network', 'private_subnet_ids');
  const appSg = needString(s, 'security', 'app_security_group_id');
  const functionName = `${s.stem}-worker`;
  const functionRole = role(s, 'worker-fn', 'lambda.amazonaws.com', LAMBDA_VPC_POLICIES);
  const logs = logGroup(s, `/aws/lambda/${functionName}`, 30);
  const fn = lambdaFunction(s, functionName, functionRole.arn, privateSubnets, appSg, { ENVIRONMENT: s.env });
  const ruleName = `${s.stem}-worker-schedule`;
  const ruleArn = arnOf(s, 'events', `rule/${ruleName}`);
  return {
    resources: {
      FunctionRole: functionRole,
      FunctionLogGroup: logs,
      Function: fn,
      ScheduleRule: {
        id: ruleName,
        arn: ruleArn,
        properties: {
          Name: ruleName,
          ScheduleExpression: 'rate(5 minutes)',
          State: 'ENABLED',
          Targets: [{ Id: 'worker', Arn: fn.arn }],
        },
      },
    },
    outputs: {
      function_name: functionName,
      function_arn: fn.arn,
      role_arn: functionRole.arn,
      log_group_name: logs.id,
      schedule_rule_arn: ruleArn,
    },
  };
}
