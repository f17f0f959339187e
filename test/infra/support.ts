/**
 * Shared set-up of the infra tests: one synthesized stack per test file, bundling skipped (the bundling test is the one
 * exception), with the same context `cdk.json` gives.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { configureApp } from '../../infra/application';
import type { ProvisioningStack } from '../../infra/stack';

export const TEST_CONTEXT = {
  jwtIssuer: 'https://idp.example.com/',
  jwtAudience: 'webex-bw-provisioning',
  webexBaseUrl: 'https://webexapis.com/v1',
} as const;

export interface SynthesizedStack {
  app: App;
  stack: ProvisioningStack;
  template: Template;
}

export function synthesizeStack(
  context: Record<string, string> = {},
  options: { nag?: boolean } = {},
): SynthesizedStack {
  const app = new App({ context: { ...TEST_CONTEXT, ...context } });
  const stack = configureApp(app, { skipBundling: true, nag: options.nag ?? false });
  return { app, stack, template: Template.fromStack(stack) };
}

type CfnResources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** Resources of one type, by logical id. */
export function resourcesOfType(template: Template, type: string): CfnResources {
  return template.findResources(type) as CfnResources;
}

/** The logical id CloudFormation gives a construct's default resource. */
export function logicalIdOf(stack: ProvisioningStack, construct: { node: { defaultChild?: unknown } }): string {
  const child = construct.node.defaultChild;
  if (child === undefined) throw new Error('construct has no default child');
  return stack.resolve((child as { logicalId: string }).logicalId) as string;
}

/** A CloudFormation value with every intrinsic replaced by a readable placeholder (for definitions built with Fn::Join). */
export function flattenJoin(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && 'Fn::Join' in value) {
    const [separator, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    return parts.map(flattenJoin).join(separator);
  }
  return '<token>';
}
