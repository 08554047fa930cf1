/**
 * cdk-nag's AwsSolutions checks on the whole app: every finding is fixed or acknowledged
 * (with a reason, at the construct it concerns). cdk-nag 3 reports through CDK's policy
 * validation, so findings are read from the `validation-report.json` of the assembly,
 * which also carries CDK's own annotations and template checks.
 */

import { rmSync } from 'node:fs';
import { Stack, Validations } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { newTestApp, synthesizeWithFindings, useSynthesizedApp } from './support.ts';

const synth = useSynthesizedApp({ nag: true });

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged error or warning, and no other validation finding', () => {
    expect(synth.findings).toEqual([]);
  });

  it('would report a finding (the check is live)', () => {
    // A canary: a table without point-in-time recovery must be reported as AwsSolutions-DDB3,
    // otherwise an empty list above would prove nothing.
    const app = newTestApp();
    const stack = new Stack(app, 'Canary');
    new Table(stack, 'Table', { partitionKey: { name: 'PK', type: AttributeType.STRING } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    try {
      const findings = synthesizeWithFindings(app);
      expect(findings).toContainEqual(
        expect.objectContaining({ plugin: 'AwsSolutions', rule: 'AwsSolutions-DDB3', severity: 'warning' }),
      );
    } finally {
      rmSync(app.outdir, { recursive: true, force: true });
    }
  });
});
