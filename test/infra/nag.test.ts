import { App, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { configureApp } from '../../infra/application';
import { nagPacks } from '../../infra/nag';
import { synthesizeStack, TEST_CONTEXT } from './support';

function findings(scope: IConstruct): string[] {
  return nagPacks().flatMap((pack) =>
    pack
      .validateScope(scope)
      .violations.map(
        (v) => `${v.severity} ${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
  );
}

function acknowledgments(scope: IConstruct): { path: string; id: string; reason: string }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

describe('cdk-nag (AwsSolutions and Serverless packs)', () => {
  it('reports no unacknowledged error or warning for the stack', () => {
    // Prepare
    const { app } = synthesizeStack();

    // Act
    const reported = findings(app);

    // Assess
    expect(reported).toEqual([]);
  });

  it('stays clean with a concrete account and region and an alarm e-mail (acknowledgments match resolved ARNs)', () => {
    // Prepare
    const { app } = synthesizeStack({ account: '123456789012', region: 'eu-west-1', alarmEmail: 'ops@example.com' });

    // Act
    const reported = findings(app);

    // Assess
    expect(reported).toEqual([]);
  });

  it('gives every acknowledgment a rule id and a real reason', () => {
    // Prepare
    const { stack } = synthesizeStack();

    // Act
    const all = acknowledgments(stack);

    // Assess
    expect(all.length).toBeGreaterThan(0);
    for (const { id, reason } of all) {
      expect(id).toMatch(/^Annotation::(AwsSolutions|Serverless)-[A-Za-z0-9]+(\[.+\])?$/);
      expect(reason.length).toBeGreaterThan(40);
    }
  });

  it('acknowledges wildcard resources one by one, never a whole rule', () => {
    // Prepare
    const { stack } = synthesizeStack();

    // Act
    const iam5 = acknowledgments(stack).filter(({ id }) => id.includes('AwsSolutions-IAM5'));

    // Assess
    for (const { id } of iam5) expect(id).toMatch(/^Annotation::AwsSolutions-IAM5\[Resource::.+\]$/);
  });

  it('lets the synth through, rule packs registered, when everything is compliant or acknowledged', () => {
    // Prepare: the app as `cdk synth` builds it
    const app = new App({ context: { ...TEST_CONTEXT } });
    const stack = configureApp(app, { skipBundling: true });

    // Act
    const assembly = app.synth();

    // Assess
    expect(assembly.getStackByName(stack.stackName).template.Resources).toBeDefined();
  });

  it('stops the synth when a finding is not acknowledged', () => {
    // Prepare: the app as `cdk synth` builds it, plus a role with a wildcard action nobody acknowledged
    const app = new App({ context: { ...TEST_CONTEXT } });
    const stack = configureApp(app, { skipBundling: true });
    new iam.Role(stack, 'Careless', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        everything: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] })],
        }),
      },
    });

    // Act
    const synth = () => app.synth();

    // Assess
    expect(synth).toThrow(/AwsSolutions-IAM5\[Action::dynamodb:\*\]/);
  });
});
