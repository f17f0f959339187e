/**
 * What every Step Functions adapter shares: the service's AWS JSON 1.0 description (for the signed requests of
 * `../aws/aws-json-client.ts`) and the execution ARN of an execution name. No SDK import, so the functions that make
 * only signed calls (the status poller, GET /v1/orders/{orderId}) do not bundle `@aws-sdk/client-sfn`.
 */
import type { AwsJsonService } from '../aws/aws-json-client';

export const STEP_FUNCTIONS: AwsJsonService = {
  title: 'Step Functions',
  signingName: 'states',
  targetPrefix: 'AWSStepFunctions',
  jsonVersion: '1.0',
};

/** `arn:aws:states:<region>:<account>:execution:<state machine name>:<execution name>`. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/**
 * Whether an SDK client's error is AWS's error `type` (e.g. `ExecutionAlreadyExists`). The SDK names its exceptions
 * after the type; `__type` covers an error deserialized without its class.
 */
export function isAwsErrorType(error: unknown, type: string): boolean {
  return error instanceof Error && (error.name === type || (error as { __type?: unknown }).__type === type);
}
