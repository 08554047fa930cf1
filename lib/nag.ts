/**
 * cdk-nag acknowledgements whose finding id depends on a resolved reference.
 *
 * cdk-nag 3 acknowledges an IAM5 wildcard finding by its exact id, e.g.
 * `AwsSolutions-IAM5[Resource::<Fn.Arn>:*]`, and the resource part is the *resolved*
 * CloudFormation reference, flattened. For a reference to another stack (the table), that
 * form (`Fn::GetStackOutput` of a generated output name) only exists once CDK has wired the
 * cross-stack reference during synthesis. So the acknowledgement is added by a construct
 * validation, which CDK runs after resolving references and before the validation plugins
 * (cdk-nag) run. It acknowledges exactly one finding on one construct; anything else still
 * fails the synth.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
// cdk-nag's own flattening, so the id is built exactly as cdk-nag builds it.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';
import { TABLE_DESIGN } from '../functions/data/table-design.ts';

/**
 * Acknowledge the IAM5 finding for `<resource><suffix>` (e.g. `<table arn>/index/*`) on
 * `scope` (a role or policy), once the reference can be resolved.
 */
export function acknowledgeWildcardResource(
  scope: IConstruct,
  resource: string,
  suffix: string,
  reason: string,
): void {
  scope.node.addValidation({
    validate: () => {
      const flat = flattenCfnReference(Stack.of(scope).resolve(resource));
      Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}${suffix}]`, reason });
      return [];
    },
  });
}

/** `table.grantRead*Data(fn)` also grants `<table arn>/index/*`: the queries use the GSIs. */
export function acknowledgeIndexWildcard(fn: IFunction, table: ITable): void {
  if (!fn.role) throw new Error(`${fn.node.path} has no role`);
  acknowledgeWildcardResource(
    fn.role,
    table.tableArn,
    '/index/*',
    `Table grants include <table>/index/*: queries use the GSIs (${TABLE_DESIGN.globalSecondaryIndexes.map((i) => i.indexName).join(', ')}), and the actions stay those of the grant`,
  );
}

/** `fn.grantInvoke(principal)` also grants `<function arn>:*` (its versions and aliases). */
export function acknowledgeInvokeVersionsWildcard(grantee: IConstruct, fn: IFunction): void {
  acknowledgeWildcardResource(
    grantee,
    fn.functionArn,
    ':*',
    `grantInvoke covers ${fn.node.id}'s versions and aliases (<arn>:*); only lambda:InvokeFunction on that one function`,
  );
}
