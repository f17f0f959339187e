/**
 * cdk-nag (v3) wiring: the rule packs run as CDK validation plugins on every synth (an unacknowledged finding stops the
 * synth), and acknowledgments go through CDK's `Validations.of(construct).acknowledge`, each with its reason.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
// The exact renderer cdk-nag uses for finding ids, so an acknowledgment matches one specific resource string.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';

/** The rule packs this project is held to. */
export function nagPacks(scope?: IConstruct): NagPack[] {
  return [new AwsSolutionsChecks(scope, { verbose: true }), new ServerlessChecks(scope, { verbose: true })];
}

/** Registers the rule packs on an App (or Stage). */
export function addNagChecks(app: IConstruct): void {
  Validations.of(app).addPlugins(...nagPacks(app));
}

export interface NagAcknowledgment {
  /** The rule id, with the finding for rules that report several (e.g. `AwsSolutions-IAM5[Resource::*]`). */
  readonly id: string;
  readonly reason: string;
}

export function acknowledge(scope: IConstruct, ...acknowledgments: NagAcknowledgment[]): void {
  Validations.of(scope).acknowledge(...acknowledgments);
}

/**
 * The id of the AwsSolutions-IAM5 finding for one wildcard resource string (which may contain tokens), rendered the way
 * cdk-nag renders it — so the acknowledgment covers exactly that resource and no other wildcard.
 */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(resource))}]`;
}
