/**
 * Builds the CDK application: the stack from the checked context, the cdk-nag rule packs as validation plugins (every
 * synth is checked), tags. `infra/app.ts` runs it for the CDK CLI; the infra tests call it with their own context.
 */
import { type App, Tags } from 'aws-cdk-lib';
import { DEFAULT_STACK_NAME, readStackConfig } from './config';
import { addNagChecks } from './nag';
import { ProvisioningStack } from './stack';

export interface ConfigureAppOptions {
  /** Skip esbuild (tests). Default: context `skipBundling`. */
  readonly skipBundling?: boolean;
  /** Register the cdk-nag rule packs (default true; tests of the template alone turn it off and run the packs apart). */
  readonly nag?: boolean;
}

export function configureApp(app: App, options: ConfigureAppOptions = {}): ProvisioningStack {
  const config = readStackConfig(app.node);
  const stackName = contextText(app, 'stackName') ?? DEFAULT_STACK_NAME;
  // Environment-agnostic unless the CLI knows the account/region (or context names them): synth needs no AWS account.
  const account = contextText(app, 'account') ?? process.env.CDK_DEFAULT_ACCOUNT;
  const region = contextText(app, 'region') ?? process.env.CDK_DEFAULT_REGION;

  const stack = new ProvisioningStack(app, stackName, {
    stackName,
    config,
    skipBundling: options.skipBundling,
    ...(account !== undefined || region !== undefined ? { env: { account, region } } : {}),
  });
  Tags.of(stack).add('service', 'webex-bw-provisioning');

  if (options.nag ?? true) addNagChecks(app);
  return stack;
}

function contextText(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
