/** What every Step Functions adapter shares: the execution ARN of an execution name, and AWS's error types. */

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
